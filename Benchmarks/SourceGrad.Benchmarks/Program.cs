using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, e.g. --filter '*MatMul*' (see docs/matmul.md).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
