#!/usr/bin/env python3
"""Ring-allreduce cost model for SwiftSER's data-parallel training (Docs/Scaling.md).

Per step and rank, without overlapping communication and computation (as SERDistributed does):
    T_comm = 2 (N - 1) / N * S / B  +  2 (N - 1) * k * alpha
where S is the gradient bytes (float32, 4 per trainable parameter), B the link bandwidth in bytes/s,
k the number of 25 MiB buckets reduced one after another, alpha the per-message latency; and
    T_compute = (global batch / N) * t_item
with t_item the compute time per batch item (forward + backward) on one rank. Efficiency is
T_compute(N) / (T_compute(N) + T_comm(N)) relative to perfect scaling of T_compute(1) over N ranks.
With --weak the batch per rank is fixed instead (8 segments, or 10 crops for wav2vec large: fairseq's
per-GPU batch), so the global batch grows with N beyond the paper's recipe.
Prints a Markdown table. Standard library only.
"""
import argparse
import math

MODELS = {
    # name: (trainable parameters, global batch of the paper's recipe, batch per rank with --weak, t_item key)
    "STRFNet (paper, spectrogram)": (1_169_540, 64, 8, "strfnet"),
    "wav2vec classifier (paper, frozen wav2vec features)": (12_350_988, 64, 8, "classifier"),
    "wav2vec large pretraining": (32_537_088, 80, 10, "large"),
}


def comm_seconds(params, ranks, gbps, alpha):
    s = 4.0 * params
    bandwidth = gbps * 1e9 / 8
    buckets = math.ceil(s / (25 * 1024 * 1024))
    return 2 * (ranks - 1) / ranks * s / bandwidth + 2 * (ranks - 1) * buckets * alpha


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strfnet-item", type=float, required=True, help="seconds per 3 s segment, forward+backward, one rank")
    p.add_argument("--classifier-item", type=float, required=True, help="seconds per 3 s segment, one rank")
    p.add_argument("--large-item", type=float, required=True, help="seconds per 9.375 s crop, one rank")
    p.add_argument("--alpha", type=float, default=20e-6, help="latency per message, seconds (default 20 us: TCP over Ethernet)")
    p.add_argument("--speedup", type=float, default=1.0, help="divide every t_item by this (faster ranks)")
    p.add_argument("--weak", action="store_true", help="fixed batch per rank (the global batch grows with N)")
    args = p.parse_args()
    items = {"strfnet": args.strfnet_item, "classifier": args.classifier_item, "large": args.large_item}
    ranks = [8, 32, 128]
    links = [10, 25, 100]
    print("| model | gradient MB / step | " + ("batch per rank" if args.weak else "global batch") + " | t_item (s) | " +
          " | ".join(f"{g} Gb/s, N={n}" for g in links for n in ranks) + " |")
    print("| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in links for _ in ranks) + " |")
    for name, (params, global_batch, per_rank, key) in MODELS.items():
        t_item = items[key] / args.speedup
        cells = []
        for g in links:
            for n in ranks:
                if not args.weak and n > global_batch:
                    cells.append("n/a (N > batch)")
                    continue
                compute = (per_rank if args.weak else global_batch / n) * t_item
                comm = comm_seconds(params, n, g, args.alpha)
                cells.append(f"{100 * compute / (compute + comm):.0f}%")
        print(f"| {name} | {4 * params / 1e6:.1f} | {per_rank if args.weak else global_batch} | {t_item:.3g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
