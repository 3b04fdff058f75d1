namespace Portico.Index;

/// <summary>The database behind the index (<c>Portico:Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, nothing to install: the default.</summary>
    Sqlite = 0,

    /// <summary>Production and scale-out (several Portico nodes share one database).</summary>
    PostgreSql = 1,
}
