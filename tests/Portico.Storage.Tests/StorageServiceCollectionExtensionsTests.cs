using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Portico.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPorticoStorage_NothingConfigured_RootIsDataStore()
    {
        using ServiceProvider services = Build(new Dictionary<string, string?>());

        BlobStoreOptions options = services.GetRequiredService<IOptions<BlobStoreOptions>>().Value;

        Assert.Equal(Path.Join("./data", "store"), options.RootDirectory);
        Assert.True(options.Fsync);
        Assert.Equal(TimeSpan.Zero, options.GroupCommitWindow);
        Assert.Equal(64, options.MaxGroupSize);
    }

    [Fact]
    public async Task AddPorticoStorage_DataDirectory_StoreUnderItAsSingleton()
    {
        string dataDirectory = Directory.CreateTempSubdirectory("portico-di-").FullName;
        try
        {
            await using (ServiceProvider services = Build(new() { ["Portico:DataDirectory"] = dataDirectory }))
            {
                IBlobStore store = services.GetRequiredService<IBlobStore>();

                FileBlobStore fileStore = Assert.IsType<FileBlobStore>(store);
                Assert.Same(fileStore, services.GetRequiredService<FileBlobStore>());
                Assert.Equal(Path.Join(dataDirectory, "store"), fileStore.RootDirectory);
                Assert.Equal(Path.Join(dataDirectory, "store", "tmp"), store.TempDirectory);
                Assert.NotNull(services.GetRequiredService<BlobSweeper>());
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public void AddPorticoStorage_StorageSection_Bound()
    {
        using ServiceProvider services = Build(new()
        {
            ["Portico:DataDirectory"] = "/ignored",
            ["Portico:Storage:RootDirectory"] = "/srv/portico/blobs",
            ["Portico:Storage:Fsync"] = "false",
            ["Portico:Storage:GroupCommitWindow"] = "00:00:00.005",
            ["Portico:Storage:MaxGroupSize"] = "8",
            ["Portico:Storage:TempFileMaxAge"] = "02:00:00",
            ["Portico:Storage:OrphanGracePeriod"] = "00:01:00",
        });

        BlobStoreOptions options = services.GetRequiredService<IOptions<BlobStoreOptions>>().Value;

        Assert.Equal("/srv/portico/blobs", options.RootDirectory);
        Assert.False(options.Fsync);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.GroupCommitWindow);
        Assert.Equal(8, options.MaxGroupSize);
        Assert.Equal(TimeSpan.FromHours(2), options.TempFileMaxAge);
        Assert.Equal(TimeSpan.FromMinutes(1), options.OrphanGracePeriod);
    }

    [Theory]
    [InlineData("Portico:Storage:MaxGroupSize", "0")]
    [InlineData("Portico:Storage:GroupCommitWindow", "-00:00:01")]
    [InlineData("Portico:Storage:GroupCommitWindow", "00:01:00")]
    [InlineData("Portico:Storage:TempFileMaxAge", "00:00:00")]
    public void AddPorticoStorage_InvalidOption_FailsValidation(string key, string value)
    {
        using ServiceProvider services = Build(new() { [key] = value });

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(
            () => services.GetRequiredService<IOptions<BlobStoreOptions>>().Value);
        Assert.Contains(key.Split(':')[^1], ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPorticoStorage(configuration).BuildServiceProvider();
    }
}
