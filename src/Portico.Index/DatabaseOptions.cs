namespace Portico.Index;

/// <summary>
/// Bound from <c>Portico:Database</c>; the connection string comes from <c>ConnectionStrings:Portico</c>.
/// With SQLite and no connection string the database is <c>{Portico:DataDirectory}/portico.db</c>
/// (data directory default <c>./data</c>), so a bare start works.
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Portico:Database";

    public const string ConnectionStringName = "Portico";

    public const string DataDirectoryKey = "Portico:DataDirectory";

    public const string DefaultDataDirectory = "./data";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Resolved connection string (from <c>ConnectionStrings:Portico</c>, or the SQLite default).</summary>
    public string ConnectionString { get; set; } = "";
}
