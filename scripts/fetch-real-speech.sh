#!/usr/bin/env bash
# Real recorded speech with reference transcripts, for bench/stt.py: the test recordings that
# ship in the source distribution of pocketsphinx 5.0.4 on PyPI (BSD-2-Clause, Carnegie Mellon
# University): five LibriVox readings of "Sense and Sensibility" (public domain) and five
# people reading playing cards. Written to bench/out/real-speech/ as NAME.wav + NAME.txt.
# Usage: scripts/fetch-real-speech.sh [path/to/pocketsphinx-5.0.4.tar.gz]
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/real-speech
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=${PYTHON:-.venv/bin/python}
tarball=${1:-}
if [ -z "$tarball" ]; then
  # The sdist straight from PyPI's file host, checked against the hash PyPI publishes: `pip
  # download` would try to build the package's metadata, which needs build tools it cannot get.
  url=https://files.pythonhosted.org/packages/ce/89/23e37c19bf30f0570088b7c4b548a666ca94331a6aa5a59b34402becc2d5/pocketsphinx-5.0.4.tar.gz
  sha=17d2971e998490def9554b6ba41886708422af5b4ae888723b1b077aab0fe8d4
  tarball="$tmp/pocketsphinx-5.0.4.tar.gz"
  curl -fsSL -m 300 -o "$tarball" "$url"
  echo "$sha  $tarball" | sha256sum -c --quiet - || { echo "error: pocketsphinx sdist hash mismatch" >&2; exit 3; }
fi
tar xzf "$tarball" -C "$tmp" pocketsphinx-5.0.4/test/data/librivox pocketsphinx-5.0.4/test/data/cards \
  pocketsphinx-5.0.4/LICENSE
data="$tmp/pocketsphinx-5.0.4/test/data"
mkdir -p "$out"
for wav in "$data"/librivox/*.wav; do
  name=$(basename "$wav" .wav)
  cp "$wav" "$out/$name.wav"
  cp "$data/librivox/$name.txt" "$out/$name.txt"
done
# cards.transcription: "<s> ten of clubs </s> (001)"
while read -r line; do
  id=$(sed -E 's/.*\(([0-9]+)\).*/\1/' <<<"$line")
  sed -E 's/<\/?s>//g; s/\([0-9]+\)//; s/^ +| +$//g' <<<"$line" > "$out/cards-$id.txt"
  cp "$data/cards/$id.wav" "$out/cards-$id.wav"
done < "$data/cards/cards.transcription"
cp "$tmp/pocketsphinx-5.0.4/LICENSE" "$out/LICENSE-pocketsphinx"
echo "$(ls "$out"/*.txt | wc -l) clips in $out"
