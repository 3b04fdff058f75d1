using BenchmarkDotNet.Running;
using Portico.Benchmarks.IndexSeeding;

// `seed-index DATA_DIR ...` fills an index for bench/study-list-query.sh; anything else goes to BenchmarkDotNet.
if (args is [SeedIndexCommand.Name, .. var rest])
{
    return await SeedIndexCommand.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Portico.Benchmarks.ParseBenchmarks).Assembly).Run(args);
return 0;
