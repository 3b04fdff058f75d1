using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Storage;

namespace Portico.Web.Hosting;

/// <summary>
/// Start-up: apply index migrations, sweep temp files and blobs no row points to, and on a first start create the
/// administrator (and, when configured, an administrator API key). Prints where to sign in.
/// </summary>
public sealed partial class Bootstrapper(
    PorticoDbContext db,
    UserManager<PorticoUser> users,
    BlobSweeper sweeper,
    IOptions<PorticoOptions> options,
    TimeProvider clock,
    ILogger<Bootstrapper> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await IndexMigrations.MigrateAsync(db.Database, cancellationToken).ConfigureAwait(false))
        {
            LogDatabaseCreated(logger, db.Database.GetDbConnection().Database);
        }

        await SweepAsync(cancellationToken).ConfigureAwait(false);
        await CreateAdministratorAsync(cancellationToken).ConfigureAwait(false);
        await CreateApiKeyAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        // Uploads interrupted by a crash leave temp files; blobs the index lacks are indexed again by IndexRecovery.
        await sweeper.DeleteStaleTempFilesAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateAdministratorAsync(CancellationToken cancellationToken)
    {
        if (await users.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        BootstrapOptions bootstrap = options.Value.Bootstrap;
        string? password = bootstrap.AdminPassword;
        bool generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        }

        var admin = new PorticoUser { UserName = bootstrap.AdminEmail, Email = bootstrap.AdminEmail, EmailConfirmed = true, DisplayName = "Administrator" };
        IdentityResult created = await users.CreateAsync(admin, password!).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Could not create the administrator: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        await users.AddToRoleAsync(admin, DefaultRoles.Administrator).ConfigureAwait(false);
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow().UtcDateTime, Actor = "system", ActorKind = ActorKind.System, Action = "User.Created", Target = admin.Email!, Details = "{\"role\":\"Administrator\",\"bootstrap\":true}" });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (generated)
        {
            // Printed once, to the console only (not the log), so it does not linger in log files.
            Console.WriteLine($"Portico: created the administrator {admin.Email} with the password {password} (shown once; change it after signing in).");
        }
        else
        {
            LogAdministratorCreated(logger, admin.Email!);
        }
    }

    private async Task CreateApiKeyAsync(CancellationToken cancellationToken)
    {
        string? secret = options.Value.Bootstrap.ApiKey;
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        string hash = ApiKeySecret.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        db.ApiKeys.Add(new ApiKey
        {
            Name = "bootstrap",
            KeyHash = hash,
            Prefix = ApiKeySecret.PrefixOf(secret),
            Permissions = [.. Permissions.All],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow().UtcDateTime, Actor = "system", ActorKind = ActorKind.System, Action = "ApiKey.Created", Target = "bootstrap" });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(5010, LogLevel.Information, "Created the administrator {Email} from Portico:Bootstrap")]
    private static partial void LogAdministratorCreated(ILogger logger, string email);

    [LoggerMessage(5011, LogLevel.Information, "Created the PostgreSQL database {Database}")]
    private static partial void LogDatabaseCreated(ILogger logger, string database);
}
