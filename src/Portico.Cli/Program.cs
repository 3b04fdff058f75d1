using Portico.Cli;

return await CommandLine.RunAsync(args).ConfigureAwait(false);
