#!/usr/bin/env bash
# Runs every benchmark suite, then writes docs/benchmarks.md and docs/images/benchmarks.png from the results.
#
#   bash Benchmarks/report.sh           # full job: more, longer iterations
#   bash Benchmarks/report.sh --quick   # quick job: a few short iterations per benchmark
#
# Suites: 1 scalar and loop code (the loop MLP and the tanh RNN included), 2 the MLP step (and the sgemm rate of its FLOP floor), 3 MatMul against OpenBLAS
# (SourceGrad alone when OpenBLAS is missing), 4 the generator, 5 data-parallel MLP steps and the Orleans sample's step (wall clock); TorchSharp joins suite 2 when its opt-in project
# builds. Each runs in-process with the settings of Benchmarks/Shared/ReportMode.cs; BenchmarkDotNet's results stay in
# BenchmarkDotNet.Artifacts/report-<mode>/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
    --quick) mode=quick ;;
    "") ;;
    *) echo "usage: bash Benchmarks/report.sh [--quick]" >&2; exit 2 ;;
esac

results="BenchmarkDotNet.Artifacts/report-$mode"
rm -rf "$results"
mkdir -p "$results"

# The load average before each suite goes into the report: on a shared machine it says how noisy the run was.
record_load() { printf '%s\t%s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" >> "$results/load.tsv"; }
skip() { printf '%s\t%s\n' "$1" "$2" >> "$results/skipped.tsv"; echo "report.sh: skipping $1: $2" >&2; }
# run_suite PASS PROJECT [--wall-clock] ARGS...: PASS names the pass's console log, so two passes over one project
# (the wall-clock matmul and data-parallel ones) keep a log each.
run_suite() {
    local pass=$1 project=$2 artifacts=$2
    shift 2
    if [ "${1:-}" = "--wall-clock" ]; then
        artifacts="wallclock-$project"
    fi
    # Without OpenBLAS's kernel overrides, so it picks its best kernel (docs/matmul.md); nothing else reads them.
    # The console output is kept too: the suites print their allocation checks and OpenBLAS's kernel there.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE dotnet run --no-build -c Release --project "Benchmarks/$project" -- \
        --report "$mode" --artifacts "$results/$artifacts" "$@" | tee "$results/$pass-console.log"
}

echo "report.sh: building the benchmark projects"
for project in SourceGrad.Benchmarks SourceGrad.Benchmarks.Generator SourceGrad.Benchmarks.Report; do
    dotnet build -c Release "Benchmarks/$project" -nologo -v quiet
done

record_load "start"
main_filters=('*Scalar*' '*LoopMlp*' '*TanhRnn*' '*MlpStep*' '*SgemmRate*' '*CheckpointBenchmarks*' '*SplitBenchmarks*')
matmul_filter='*MatMulBenchmarks*'
if ! ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
    matmul_filter='*MatMulBenchmarks.SourceGradMatMul*'
    skip "OpenBLAS" "libopenblas.so.0 is not installed (Benchmarks/SourceGrad.Benchmarks/MatMul/install-openblas.sh)"
fi
main_filters+=("$matmul_filter")
run_suite main SourceGrad.Benchmarks --filter "${main_filters[@]}"

# Two-thread scaling needs the wall clock (the CPU-time clock counts one thread), so the matrix products run again.
record_load "before the wall-clock MatMul suite"
run_suite wallclock-matmul SourceGrad.Benchmarks --wall-clock --filter "$matmul_filter"

# Data-parallel steps (one and two threads) and the Orleans sample's step beside them need the wall clock too.
record_load "before the wall-clock data-parallel suite"
run_suite wallclock-dataparallel SourceGrad.Benchmarks --wall-clock --filter '*DataParallelStep*' '*DistributedStep*'

record_load "before the generator suite"
run_suite generator SourceGrad.Benchmarks.Generator --filter '*'

record_load "before the TorchSharp suite"
if dotnet build -c Release Benchmarks/SourceGrad.Benchmarks.Torch -nologo -v quiet > "$results/torch-build.log" 2>&1; then
    run_suite torch SourceGrad.Benchmarks.Torch --filter '*'
else
    skip "TorchSharp" "Benchmarks/SourceGrad.Benchmarks.Torch did not build (its log: $results/torch-build.log)"
fi

record_load "end"
dotnet run --no-build -c Release --project Benchmarks/SourceGrad.Benchmarks.Report -- \
    --results "$results" --mode "$mode" --output docs/benchmarks.md --chart docs/images/benchmarks.png --readme README.md
