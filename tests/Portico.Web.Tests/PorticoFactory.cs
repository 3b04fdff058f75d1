using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Ingest.Pipeline;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>The real server on a temp data directory (SQLite and file blobs), with a bootstrap administrator API key.</summary>
public class PorticoFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    /// <summary>A fresh temp directory, unless a test restarts a server on an existing one.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "portico-web-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Whether disposing removes <see cref="DataDirectory"/> (false to start another server on it).</summary>
    public bool DeleteDataDirectory { get; init; } = true;

    /// <summary>Further settings for this server (applied after the defaults above, so they win).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Index on a fresh database of the PostgreSQL server named by <c>PORTICO_TEST_POSTGRES</c> (scripts/test.sh starts
    /// one) instead of SQLite; dropped at the end. Without the variable the server does not start (never a silent skip).
    /// </summary>
    public bool UsePostgres { get; init; }

    /// <summary>With <see cref="UsePostgres"/>: false leaves the database for the server to create, as on a first start.</summary>
    public bool CreatePostgresDatabase { get; init; } = true;

    private string? _postgresDatabase;

    /// <summary>With <see cref="UsePostgres"/>, the name of this server's database once <see cref="InitializeAsync"/> ran.</summary>
    public string? PostgresDatabaseName => _postgresDatabase;
    private string? _postgresServer;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Portico:DataDirectory", DataDirectory);
        builder.UseSetting("Portico:Bootstrap:AdminEmail", "admin@test.local");
        builder.UseSetting("Portico:Bootstrap:AdminPassword", "correct horse battery staple");
        builder.UseSetting("Portico:Bootstrap:ApiKey", AdminKey);
        // DICOM listeners on free ports (read back from DicomListener), so test servers run side by side.
        builder.UseSetting("Portico:Dicom:Port", "0");
        builder.UseSetting("Portico:Dicom:TlsPort", "0");
        builder.UseSetting("Portico:Dicom:ListenAddress", "127.0.0.1");
        // Index rows of instances answered before their commit (C-STORE, POST /api/instances) wait up to ten minutes to be
        // gathered: whatever a test finds sooner through a request was let through by the read-your-writes barrier
        // (IndexCommitter.WhenCommittedAsync), not by timing. A test reading the index directly calls the barrier itself.
        builder.UseSetting("Portico:Ingest:BackgroundCommitWindow", "00:10:00");
        if (_postgresDatabase is not null)
        {
            builder.UseSetting("Portico:Database:Provider", "PostgreSql");
            builder.UseSetting("ConnectionStrings:Portico", new Npgsql.NpgsqlConnectionStringBuilder(_postgresServer) { Database = _postgresDatabase }.ConnectionString);
        }

        foreach ((string key, string value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }

    public HttpClient ClientWithKey(string key)
    {
        HttpClient client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => ClientWithKey(AdminKey);

    /// <summary>
    /// Uploads one DICOM file to <c>POST /api/instances</c> as the administrator and waits for the index rows of the
    /// answered instances, so the test may read the index directly (a request would wait for them by itself).
    /// </summary>
    public async Task<HttpResponseMessage> PostDicomAsync(byte[] bytes)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using HttpClient client = Admin();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        HttpResponseMessage response = await client.PostAsync("/api/instances", content, ct);
        await Services.GetRequiredService<IndexCommitter>().WhenCommittedAsync(ct);
        return response;
    }

    /// <summary>Creates an API key holding exactly <paramref name="permissions"/> and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(params string[] permissions)
    {
        string secret = "k-" + Guid.NewGuid().ToString("N");
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.ApiKeys.Add(new ApiKey
        {
            Name = "test " + string.Join(',', permissions),
            KeyHash = ApiKeySecret.Hash(secret),
            Prefix = secret[..8],
            Permissions = [.. permissions],
            CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public async ValueTask InitializeAsync()
    {
        await CreatePostgresDatabaseAsync();
        _ = Server; // start the host (migrations, bootstrap)
    }

    /// <summary>
    /// With <see cref="UsePostgres"/>, creates the fresh database the server will use (done by <see cref="InitializeAsync"/>;
    /// a harness that starts a derived factory calls it alone).
    /// </summary>
    public async Task CreatePostgresDatabaseAsync()
    {
        if (UsePostgres && _postgresDatabase is null)
        {
            _postgresServer = Environment.GetEnvironmentVariable("PORTICO_TEST_POSTGRES");
            if (string.IsNullOrWhiteSpace(_postgresServer))
            {
                throw new InvalidOperationException("PORTICO_TEST_POSTGRES is not set: run scripts/test.sh, or export PORTICO_TEST_POSTGRES=\"$(scripts/start-postgres.sh)\".");
            }

            _postgresDatabase = $"portico_web_{Guid.NewGuid():N}";
            if (CreatePostgresDatabase)
            {
                await OnPostgresServerAsync($"CREATE DATABASE \"{_postgresDatabase}\"");
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/> on the PostgreSQL server's own database and returns the first value.</summary>
    public async Task<object?> OnPostgresServerAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_postgresServer);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (_postgresDatabase is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await OnPostgresServerAsync($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)");
        }

        if (!DeleteDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary><see cref="PorticoFactory"/> with its index on PostgreSQL (a class fixture of its own type).</summary>
public sealed class PostgresPorticoFactory : PorticoFactory
{
    public PostgresPorticoFactory() => UsePostgres = true;
}
