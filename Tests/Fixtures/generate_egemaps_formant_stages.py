#!/usr/bin/env python3
"""eGeMAPS formant stages: what openSMILE computes at each step of its formant chain, for a few frames.

Reads the committed fixture sounds Tests/Fixtures/egemaps/{male_a_jitter,vowel_o_22k}.wav (written by
generate_egemaps.py) and writes Tests/Fixtures/egemaps/formant_stages.json: for every 20th 20 ms frame (from the 6th),
openSMILE's own intermediate levels of eGeMAPSv02 (config/gemaps/v01b/GeMAPSv01b_core.lld.conf.inc):

  * fft:       `gemapsv01b_fftcH25`, the complex FFT of the Hamming frame in openSMILE's packed layout
               (a[0] = Re X0, a[1] = Re X_{N/2}, a[2k] = Re Xk, a[2k+1] = -Im Xk in numpy's sign convention);
  * resampled: `gemapsv01b_outpR`, cSpecResample's time signal at ~11 kHz;
  * lpc:       `gemapsv01b_lpc`, cLpc's 11 coefficients;
  * formants:  `gemapsv01b_formants`, cFormantLpc's 5 frequencies then 5 bandwidths (Hz).

Each level is taken from opensmile-python by running eGeMAPSv02.conf (the copy opensmile-python ships,
unchanged) with that level as the sink. Oracle: opensmile-python 2.6.0 (requirements.txt).
Run from anywhere:  python3 Tests/Fixtures/generate_egemaps_formant_stages.py
"""
import json
import os

import numpy as np
import opensmile

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "egemaps")
CONFIG = os.path.join(os.path.dirname(opensmile.__file__), "core", "config", "egemaps", "v02", "eGeMAPSv02.conf")
LEVELS = {"fft": "gemapsv01b_fftcH25", "resampled": "gemapsv01b_outpR", "lpc": "gemapsv01b_lpc",
          "formants": "gemapsv01b_formants"}


def main():
    out = {"opensmile": opensmile.__version__, "files": {}}
    for name in ("male_a_jitter", "vowel_o_22k"):
        path = os.path.join(DIR, name + ".wav")
        tables = {key: opensmile.Smile(feature_set=CONFIG, feature_level=level).process_file(path).values
                  for key, level in LEVELS.items()}
        rows = min(len(t) for t in tables.values())
        frames = list(range(5, rows, 20))
        out["files"][name] = {"frames": frames}
        for key, table in tables.items():
            out["files"][name][key] = [[float(np.float32(v)) for v in table[t]] for t in frames]
        print(f"{name}: {len(frames)} frames of {rows}; fft {tables['fft'].shape[1]}, "
              f"resampled {tables['resampled'].shape[1]}")
    with open(os.path.join(DIR, "formant_stages.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
