#!/usr/bin/env python3
"""Writes the 28 configurations of the paper's Table 1 on EmoDB (Docs/Results.md) into configs/table1/.

Each cell is the network of the recipe presets (configs/best-independent.json, configs/best-speaker.json:
small STRFNet, level normalisation, silence trimming, Adam 1e-3, 25 epochs, patience 6, seed 1) alone:
one network, no fusion, with the feature row's input channels and STRF bank, frequency warping off or on.
Run one cell with `ser-cli cv --manifest emodb4.csv --protocol leave-one-speaker-out --config FILE`.

Usage: python3 scripts/table1/make_configs.py   (from the repository root; standard library only)
"""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Row name -> (input channels, STRF inputs (indices into the channels), convolution over the channels?)
# as in SERModels.Table1Feature: "modulation" alone has the STRF bank and no plain convolution.
ROWS = {
    "pitch-pulse": (["pitchpulse"], [], True),
    "spectrogram": (["spectrogram"], [], True),
    "modulation": (["spectrogram"], [0], False),
    "pitch-pulse+spectrogram": (["pitchpulse", "spectrogram"], [], True),
    "pitch-pulse+modulation": (["pitchpulse"], [0], True),
    "spectrogram+modulation": (["spectrogram"], [0], True),
    "all-three": (["pitchpulse", "spectrogram"], [1], True),
}
TRACKS = {"independent": "best-independent.json", "speaker": "best-speaker.json"}


def cell(preset: dict, channels, strf_inputs, convolution: bool, warping: bool) -> dict:
    c = copy.deepcopy(preset)
    c.pop("ensemble", None)
    c.pop("fusion", None)
    c["frequencyWarping"] = warping
    m = c["model"]
    m["inputChannels"] = channels
    m["strfInputs"] = strf_inputs
    if not convolution:
        m["convChannels"] = 0
    return c


def main() -> None:
    out = ROOT / "configs" / "table1"
    out.mkdir(parents=True, exist_ok=True)
    for track, preset_file in TRACKS.items():
        preset = json.loads((ROOT / "configs" / preset_file).read_text())
        for row, (channels, strf_inputs, convolution) in ROWS.items():
            for warping in (False, True):
                name = f"{row}-{'warp' if warping else 'nowarp'}-{track}.json"
                c = cell(preset, channels, strf_inputs, convolution, warping)
                (out / name).write_text(json.dumps(c, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(ROWS) * 2 * len(TRACKS)} configurations to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
