#!/usr/bin/env bash
# Seed corpora for the fuzz targets, from the small files the committed fixture generators wrote
# (Tests/Fixtures), the committed configurations, and a few written here. Output: Fuzz/corpus/<target>/
# (not committed; libFuzzer adds the inputs it finds interesting there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=..
seed() { mkdir -p "corpus/$1"; }
seed FuzzAudioReader;  cp "$root"/Tests/Fixtures/audio/*.wav "$root"/Tests/Fixtures/audio/*.flac corpus/FuzzAudioReader/
seed FuzzSafetensors;  cp "$root"/Tests/Fixtures/io/*.safetensors corpus/FuzzSafetensors/
seed FuzzNpy;          cp "$root"/Tests/Fixtures/io/*.npy corpus/FuzzNpy/
seed FuzzTorchPickle;  cp "$root"/Tests/Fixtures/wav2vec/general_legacy_fp16.pt "$root"/Tests/Fixtures/wav2vec/general_zip_fp32.pt corpus/FuzzTorchPickle/
seed FuzzTrainingConfiguration
cp "$root"/configs/*.json corpus/FuzzTrainingConfiguration/
printf '{}' > corpus/FuzzTrainingConfiguration/empty.json
printf '{"logMel": {"bandCount": 40}, "maxEpochs": 2}' > corpus/FuzzTrainingConfiguration/partial.json
seed FuzzManifestCSV
printf 'path,label,speaker,split,start,end\na.wav,happy,s1,train,0,1.5\n"b, c.wav",sad,s2,val,,\n' > corpus/FuzzManifestCSV/basic.csv
printf 'path,label,speaker\r\n"x""y.wav",angry,03\r\n' > corpus/FuzzManifestCSV/crlf.csv
seed FuzzRunFolder
printf '\x00\x00\x00' > corpus/FuzzRunFolder/unchanged
printf '\x08\x00\x00{"x":' > corpus/FuzzRunFolder/header
printf '\x00\x02\x00\xff\xff\xff\xff\xff\xff\xff\xff' > corpus/FuzzRunFolder/nan-weights
printf '\x40\x00\x01' > corpus/FuzzRunFolder/truncated
seed FuzzModelFile     # bytes 0–1 offset, byte 2 mode (bit 0 cut, bit 1 patch the description JSON), then the patch
printf '\x00\x00\x00' > corpus/FuzzModelFile/unchanged
printf '\x00\x00\x01' > corpus/FuzzModelFile/empty-file
printf '\x00\x02\x00\xff\xff\xff\xff\xff\xff\xff\xff' > corpus/FuzzModelFile/nan-weights
printf '\x40\x00\x01' > corpus/FuzzModelFile/truncated
printf '\x00\x00\x02{"formatVersion":1}' > corpus/FuzzModelFile/description-prefix
printf '\x10\x00\x03' > corpus/FuzzModelFile/description-cut
