using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portico.Storage;

/// <summary>Registers the blob store (STYLE.md: one <c>Add&lt;Area&gt;</c> per project; Web composes them).</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The data directory when <c>Portico:DataDirectory</c> is not set.</summary>
    public const string DefaultDataDirectory = "./data";

    /// <summary>
    /// Binds <see cref="BlobStoreOptions"/> to <c>Portico:Storage</c> (validated at start), and registers
    /// <see cref="FileBlobStore"/> as the <see cref="IBlobStore"/> singleton and <see cref="BlobSweeper"/>. The root
    /// defaults to <c>Portico:DataDirectory</c> (default <c>./data</c>) + <c>/store</c>.
    /// </summary>
    public static IServiceCollection AddPorticoStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<BlobStoreOptions>()
            .Bind(configuration.GetSection(BlobStoreOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.RootDirectory))
                {
                    string? dataDirectory = configuration["Portico:DataDirectory"];
                    options.RootDirectory = Path.Join(
                        string.IsNullOrWhiteSpace(dataDirectory) ? DefaultDataDirectory : dataDirectory, "store");
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobStoreOptions>, BlobStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FileBlobStore>();
        services.TryAddSingleton<IBlobStore>(provider => provider.GetRequiredService<FileBlobStore>());
        services.TryAddSingleton<BlobSweeper>();
        return services;
    }
}
