#!/usr/bin/env python3
"""PyTorch peer of the training benchmark (tools/benchmark.sh --peer).

Times the same model and training step as the Java benchmark: one-hot input over the vocabulary,
nn.RNN (tanh) / nn.LSTM / nn.GRU with num_layers, nn.Linear back to the vocabulary, cross-entropy
averaged over the predicted tokens (the Trainer's loss), clip_grad_norm_(..., 1.0), an SGD step
(learning rate 1, as the benchmark's trainer paths). Data are random tokens made before timing.

Two ways to run it:
  python3 tools/bench/peer.py --cell lstm --layers 2 --hidden 256 --batch 32 --steps 35 --threads 1
      one workload, prints the median and every iteration's time;
  python3 tools/bench/peer.py --serve --threads 1
      what the Java benchmark starts: prints one 'ready ...' line, then answers each line
      'run cell=lstm layers=2 hidden=256 batch=32 steps=35 vocab=28 warmup=5 reps=7'
      with 'ok <ms> <ms> ...' (or 'error <message>'); 'quit' or end of input stops it.
The thread count is fixed for the life of the process (set before the first operation).
"""
import argparse
import ctypes
import os
import sys
import time

CELLS = ("rnn", "lstm", "gru")


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch peer of tools/benchmark.sh")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads), default 1")
    p.add_argument("--serve", action="store_true", help="answer 'run ...' lines on stdin (used by the Java benchmark)")
    p.add_argument("--cell", choices=CELLS, default="lstm")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=35)
    p.add_argument("--vocab", type=int, default=28)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--reps", type=int, default=20)
    a = p.parse_args(argv)
    for name in ("threads", "layers", "hidden", "batch", "steps", "vocab", "reps"):
        if getattr(a, name) < 1:
            p.error("--%s must be at least 1, got %d" % (name, getattr(a, name)))
    if a.warmup < 0:
        p.error("--warmup must be 0 or more, got %d" % a.warmup)
    return a


def blas_threads():
    """OpenBLAS's own thread count when torch's BLAS is OpenBLAS, else -1."""
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            lib = ctypes.CDLL(name, mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
            return int(lib.openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return -1


class Workload:
    def __init__(self, torch, cell, layers, hidden, batch, steps, vocab, seed=42):
        nn = torch.nn
        self.torch = torch
        torch.manual_seed(seed)
        if cell == "lstm":
            rnn = nn.LSTM(vocab, hidden, num_layers=layers)
        elif cell == "gru":
            rnn = nn.GRU(vocab, hidden, num_layers=layers)
        else:
            rnn = nn.RNN(vocab, hidden, num_layers=layers, nonlinearity="tanh")
        self.rnn, self.out, self.hidden = rnn, nn.Linear(hidden, vocab), hidden
        self.params = list(self.rnn.parameters()) + list(self.out.parameters())
        self.opt = torch.optim.SGD(self.params, lr=1.0)
        self.batches = []
        for _ in range(4):
            tokens = torch.randint(vocab, (steps, batch))
            x = torch.nn.functional.one_hot(tokens, vocab).float()
            y = torch.randint(vocab, (steps * batch,))
            self.batches.append((x, y))
        self.calls = 0

    def step(self):
        torch = self.torch
        x, y = self.batches[self.calls % len(self.batches)]
        self.calls += 1
        self.opt.zero_grad(set_to_none=True)
        h, _ = self.rnn(x)
        logits = self.out(h.reshape(-1, self.hidden))
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        return loss

    def time(self, warmup, reps):
        for _ in range(warmup):
            self.step()
        ms = []
        for _ in range(reps):
            t0 = time.perf_counter()
            self.step()
            ms.append((time.perf_counter() - t0) * 1e3)
        return ms


def parse_run(line):
    fields = {}
    for item in line.split()[1:]:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError("expected key=value, got '%s'" % item)
        fields[key] = value
    cell = fields.pop("cell", "lstm")
    if cell not in CELLS:
        raise ValueError("unknown cell '%s': use rnn, lstm or gru" % cell)
    out = {"cell": cell}
    for key in ("layers", "hidden", "batch", "steps", "vocab", "warmup", "reps"):
        if key not in fields:
            raise ValueError("missing %s=" % key)
        out[key] = int(fields.pop(key))
    if fields:
        raise ValueError("unknown field(s): %s" % ", ".join(sorted(fields)))
    return out


def serve(torch, threads):
    print("ready torch=%s threads=%d interop=%d blas_threads=%d"
          % (torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads(), blas_threads()), flush=True)
    models = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if line == "quit":
            break
        try:
            if not line.startswith("run "):
                raise ValueError("expected 'run ...' or 'quit', got '%s'" % line[:40])
            r = parse_run(line)
            key = tuple(r[k] for k in ("cell", "layers", "hidden", "batch", "steps", "vocab"))
            if key not in models:
                models[key] = Workload(torch, *key)
            ms = models[key].time(r["warmup"], r["reps"])
            print("ok " + " ".join("%.4f" % m for m in ms), flush=True)
        except Exception as e:  # the caller shows the message and carries on without the peer
            print("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")), flush=True)


def main(argv):
    a = parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set by an earlier parallel region; intra-op threads are what matter here
    if a.serve:
        serve(torch, a.threads)
        return 0
    w = Workload(torch, a.cell, a.layers, a.hidden, a.batch, a.steps, a.vocab)
    ms = w.time(a.warmup, a.reps)
    s = sorted(ms)
    median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    print("torch %s, %d thread(s), OpenBLAS threads %d: %s L=%d hidden %d batch %d x %d steps, vocab %d"
          % (torch.__version__, torch.get_num_threads(), blas_threads(), a.cell, a.layers, a.hidden, a.batch,
             a.steps, a.vocab))
    print("median %.2f ms per iteration over %d; all: %s" % (median, len(ms), " ".join("%.1f" % m for m in ms)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
