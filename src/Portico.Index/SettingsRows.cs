using Portico.Index.Access;
using Portico.Index.UploadPortal;

namespace Portico.Index;

/// <summary>
/// The one row of a settings table, selected by its key: a plain <c>First()</c> would do the same and make EF Core warn,
/// on every read, of a first row taken without an order.
/// </summary>
public static class SettingsRows
{
    public static IQueryable<UploadPortalSettings> TheRow(this IQueryable<UploadPortalSettings> rows) =>
        rows.Where(s => s.Id == UploadPortalSettings.SingletonId);

    public static IQueryable<SecuritySettings> TheRow(this IQueryable<SecuritySettings> rows) =>
        rows.Where(s => s.Id == SecuritySettings.SingletonId);
}
