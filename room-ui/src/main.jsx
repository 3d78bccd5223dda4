// Entry point. asset-path.js comes first: it must run before Excalidraw's modules are evaluated.
import "./asset-path.js";
import "@excalidraw/excalidraw/index.css";
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./app.jsx";

createRoot(document.getElementById("root")).render(<App />);
