using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using SourceGrad.Benchmarks;

// Runs the suites; pass BenchmarkDotNet arguments, e.g. --filter '*LoopMlp*' or --list flat.
// Benchmarks/report.sh adds --report quick|full (see ReportMode).
IConfig config = ReportMode.Parse(ref args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
