# Praat oracle for SwiftSER's pitch and pulse parity (scripts/praat_parity.py runs it).
# For every .wav file in inDir$: To Pitch (ac) with Praat's defaults (pitch floor, ceiling and "very accurate"
# given),
# then Sound & Pitch: To PointProcess (cc). Writes <name>.pitch.txt ("time f0" per frame, 0 when unvoiced)
# and <name>.pulses.txt (one pulse time per line) into outDir$, and the summed analysis time (s, excluding
# file reading and writing) to outDir$/praat_timing.txt.
form Pitch and pulses
  sentence inDir /path/to/wavs
  sentence outDir /path/to/out
  real floor 75
  real ceiling 600
  boolean writeResults 1
  boolean veryAccurate 0
endform
if veryAccurate
  accurate$ = "yes"
else
  accurate$ = "no"
endif
files = Create Strings as file list: "files", inDir$ + "/*.wav"
nFiles = Get number of strings
totalSeconds = 0
for ifile to nFiles
  selectObject: files
  name$ = Get string: ifile
  snd = Read from file: inDir$ + "/" + name$
  stopwatch
  pitch = To Pitch (ac): 0, floor, 15, accurate$, 0.03, 0.45, 0.01, 0.35, 0.14, ceiling
  selectObject: snd, pitch
  pp = To PointProcess (cc)
  totalSeconds += stopwatch
  if writeResults
    base$ = outDir$ + "/" + (name$ - ".wav")
    selectObject: pitch
    nf = Get number of frames
    text$ = ""
    for i to nf
      t = Get time from frame number: i
      f = Get value in frame: i, "Hertz"
      if f = undefined
        f = 0
      endif
      text$ = text$ + fixed$ (t, 15) + " " + fixed$ (f, 12) + newline$
    endfor
    writeFile: base$ + ".pitch.txt", text$
    selectObject: pp
    n = Get number of points
    text$ = ""
    for i to n
      t = Get time from index: i
      text$ = text$ + fixed$ (t, 15) + newline$
    endfor
    writeFile: base$ + ".pulses.txt", text$
  endif
  removeObject: snd, pitch, pp
endfor
writeFileLine: outDir$ + "/praat_timing.txt", fixed$ (totalSeconds, 6), " ", nFiles
