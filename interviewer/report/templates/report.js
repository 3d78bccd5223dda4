// Plays report moments. Every clickable moment has data-start (seconds on the session clock) and
// data-audio (the id of the <audio> holding its turn); a turn's audio starts at the turn's own
// data-start, so a moment plays from (moment - turn start). Nothing here builds markup from data:
// text only ever goes through textContent.
(function () {
  "use strict";
  var players = Array.prototype.slice.call(document.querySelectorAll("audio[data-start]"));
  var bar = document.getElementById("nowplaying");
  var barText = document.getElementById("np-text");
  var toggle = document.getElementById("np-toggle");
  var active = null;  // the audio last sought or played
  var lit = null;  // the highlighted word

  function clock(s) {  // same format as the Python clock(): 42.37 -> "0:42.4"
    s = Math.max(0, s);
    var m = Math.floor(s / 60), rest = (s - m * 60).toFixed(1);
    return m + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function turnStart(audio) { return parseFloat(audio.dataset.start); }

  // Per audio: its clickable words in time order, for the highlight during playback.
  var words = {};
  players.forEach(function (a) {
    var ws = Array.prototype.slice.call(
      document.querySelectorAll('[data-kind="word"][data-audio="' + a.id + '"]'));
    words[a.id] = { els: ws, starts: ws.map(function (w) { return parseFloat(w.dataset.start); }) };
  });

  function highlight(audio, t) {
    var list = words[audio.id], lo = 0, hi = list.starts.length - 1, found = -1;
    // A seek lands on the audio's own sample grid, a hair before the time asked for: without
    // the margin, clicking a word would light the word before it.
    t += 0.02;
    while (lo <= hi) {  // the last word starting at or before t
      var mid = (lo + hi) >> 1;
      // 1 ms of slack: a seek to a word's start reads back a hair before it (2.559999 for
      // 2.56), which lit the word before the one clicked.
      if (list.starts[mid] <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var el = found >= 0 ? list.els[found] : null;
    if (el === lit) return;
    if (lit) lit.classList.remove("current");
    if (el) el.classList.add("current");
    lit = el;
  }

  function tracksOf(audio) {
    return document.querySelectorAll('.track[data-audio="' + audio.id + '"]');
  }

  function update(audio) {
    var t = turnStart(audio) + audio.currentTime;
    highlight(audio, t);
    var end = parseFloat(audio.dataset.end), start = turnStart(audio);
    var pct = Math.min(100, Math.max(0, (t - start) / Math.max(end - start, 1e-6) * 100));
    tracksOf(audio).forEach(function (tr) {
      tr.classList.add("playing");
      tr.querySelector(".playhead").style.left = pct + "%";
    });
    barText.textContent = audio.dataset.label + " \u00b7 " + clock(t) +
      (audio.dataset.refused ? " (this browser would not play it)" : audio.paused ? " (paused)" : "");
    toggle.textContent = audio.paused ? "\u25b6" : "\u275a\u275a";
    toggle.setAttribute("aria-label", audio.paused ? "play" : "pause");
    bar.hidden = false;
  }

  function stopOthers(audio) {
    players.forEach(function (o) {
      if (o !== audio && !o.paused) o.pause();
      if (o !== audio) tracksOf(o).forEach(function (tr) { tr.classList.remove("playing"); });
    });
    active = audio;
  }

  function play(audio) {
    var p = audio.play();
    // A browser may refuse to play (no sound device, headless, autoplay rules): the seek has
    // happened anyway, and a refusal is not an error worth a console message.
    if (p && typeof p.catch === "function") {
      p.then(function () { delete audio.dataset.refused; update(audio); },
             function () { audio.dataset.refused = "1"; update(audio); });
    }
  }

  function seek(id, t) {
    var audio = document.getElementById(id);
    if (!audio) return;
    stopOthers(audio);
    audio.currentTime = Math.max(0, t - turnStart(audio));
    update(audio);
    play(audio);
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-audio][data-start]");
    if (el) { seek(el.dataset.audio, parseFloat(el.dataset.start)); return; }
    // Anywhere else on a turn's timeline: play from that point.
    var track = e.target.closest(".track[data-audio]");
    if (track) {
      var box = track.getBoundingClientRect();
      var a = parseFloat(track.dataset.turnStart), b = parseFloat(track.dataset.turnEnd);
      seek(track.dataset.audio, a + (e.clientX - box.left) / box.width * (b - a));
    }
  });

  players.forEach(function (a) {
    a.addEventListener("play", function () { stopOthers(a); update(a); });  // one voice at a time
    a.addEventListener("pause", function () { update(a); });
    a.addEventListener("timeupdate", function () { update(a); });
  });

  toggle.addEventListener("click", function () {
    if (!active) return;
    if (active.paused) play(active); else active.pause();
  });
})();
