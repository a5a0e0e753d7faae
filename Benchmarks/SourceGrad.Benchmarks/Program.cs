using BenchmarkDotNet.Running;

// Runs the suites; pass BenchmarkDotNet arguments, e.g. --filter '*LoopMlp*' or --list flat.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
