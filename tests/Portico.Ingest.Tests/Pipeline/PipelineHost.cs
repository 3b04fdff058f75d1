using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Storage;

namespace Portico.Ingest.Tests.Pipeline;

/// <summary>The real pipeline (file blob store, SQLite index, group committer) on a temp directory.</summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private PipelineHost(ServiceProvider provider, string directory)
    {
        _provider = provider;
        Directory = directory;
        _hosted = [.. provider.GetServices<IHostedService>()];
    }

    public string Directory { get; }

    /// <summary>Leave the directory in place on dispose (a test restarts on it).</summary>
    public bool KeepDirectory { get; set; }

    public IServiceProvider Services => _provider;

    public static async Task<PipelineHost> StartAsync(string? directory = null, Dictionary<string, string?>? settings = null, bool startHostedServices = true, Action<IServiceCollection>? configure = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "portico-ingest-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var values = new Dictionary<string, string?> { ["Portico:DataDirectory"] = directory };
        foreach (var (k, v) in settings ?? [])
        {
            values[k] = v;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddPorticoStorage(configuration);
        services.AddPorticoIndex(configuration);
        services.AddPorticoIngest(configuration);
        configure?.Invoke(services);
        ServiceProvider provider = services.BuildServiceProvider();
        await using (AsyncServiceScope scope = provider.CreateAsyncScope())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database);
        }

        var host = new PipelineHost(provider, directory);
        if (startHostedServices)
        {
            foreach (IHostedService service in host._hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }
        }

        return host;
    }

    /// <summary>Writes a copy of a pydicom file with new UIDs (or the given SOP Instance UID) into the store's temp directory.</summary>
    public string Spool(string pydicomName, string? sopUid = null, Action<Portico.Dicom.Data.DicomDataset>? change = null)
    {
        byte[] bytes = Portico.Tests.Shared.DicomSamples.WithNewUids(pydicomName, out _, out _, sopUid, change);
        string temp = _provider.GetRequiredService<IBlobStore>().TempDirectory;
        System.IO.Directory.CreateDirectory(temp);
        string path = Path.Combine(temp, "test-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IHostedService service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
