#!/usr/bin/env bash
# Training-speed benchmark (org.deeprnn.bench.TrainingBenchmark): ms per iteration, tokens/s,
# matrix-product GFLOP/s and the fraction of the floor, for SimpleRnn and LSTM with 1-3 layers.
#   bash tools/benchmark.sh             full run (5 warm-up + 20 timed iterations per model and path)
#   bash tools/benchmark.sh --quick     smoke run, under a minute
#   bash tools/benchmark.sh --help      all options
# The table goes to stdout, the CSV to target/benchmark/. Extra Maven flags: MVN_ARGS="-o" for offline.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p target/benchmark
mvn -q -B ${MVN_ARGS:-} test-compile
mvn -q -B ${MVN_ARGS:-} dependency:build-classpath -Dmdep.outputFile=target/benchmark/classpath.txt > /dev/null

# Threading, fixed before ND4J loads (see environment.md, "Threads"): libnd4j's own loops and OpenMP
# run single-threaded; the fused path's large matrix products may still use every core through OpenBLAS.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

exec java -Xmx4g -Djava.awt.headless=true \
  -cp "target/classes:target/test-classes:$(cat target/benchmark/classpath.txt)" \
  org.deeprnn.bench.TrainingBenchmark "$@"
