using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Portico.Benchmarks.ParseBenchmarks).Assembly).Run(args);
