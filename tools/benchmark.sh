#!/usr/bin/env bash
# Training-speed benchmark (org.deeprnn.bench.TrainingBenchmark): ms per iteration, tokens/s, the fraction
# of the matrix-product floor and, with --peer, the speed ratio to PyTorch at its best thread count.
#   bash tools/benchmark.sh                  rnn, lstm, gru with L = 1, 2, 3 at 256 hidden, batch 32 x 35
#   bash tools/benchmark.sh --chapter --peer the chapter's two workloads, interleaved with PyTorch 1.13 and libtorch 2.10
#                                            at 1 and 2 threads
#   bash tools/benchmark.sh --chapter --peer --load 1   the same with one busy process beside it (a learner's machine)
#   bash tools/benchmark.sh --quick          smoke run
#   bash tools/benchmark.sh --help           all options
# The table goes to stdout, the CSV to target/benchmark/. Extra Maven flags: MVN_ARGS="-o" for offline.
# The peer (tools/bench/peer.py) runs under the first of $PEER_PYTHON, python3, /usr/bin/python3 that has torch.
# The libtorch peer (tools/bench/libtorch-peer) runs in its own JVM once built (its pom.xml says how; the
# benchmark prints the command where it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p target/benchmark
build_log=target/benchmark/build.log
if ! { mvn -q -B ${MVN_ARGS:-} test-compile &&
       mvn -q -B ${MVN_ARGS:-} dependency:build-classpath -Dmdep.outputFile=target/benchmark/classpath.txt; } > "$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "benchmark: the build failed (log above, also in $build_log)" >&2
  exit 1
fi

# Threading, fixed before ND4J loads (see environment.md, "Threads"): libnd4j's own loops and OpenMP
# run single-threaded, and with them OpenBLAS, so the fused engine runs on one thread (its Javadoc says why); the
# oneDNN engine sets its own OpenMP thread count around its calls (DEEPRNN_ONEDNN_THREADS, else every core).
# The PyTorch peers get their own OMP_NUM_THREADS (1 and 2); OPENBLAS_* variables are passed on as they are.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

exec java -Xmx4g -Djava.awt.headless=true \
  -cp "target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)" \
  org.deeprnn.bench.TrainingBenchmark "$@"
