using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portico.Index;

/// <summary>Creates <see cref="SqliteRowWriter{TEntity}"/>s.</summary>
public static class SqliteRowWriter
{
    /// <summary>An <c>INSERT</c> of every mapped column.</summary>
    public static SqliteRowWriter<TEntity> Insert<TEntity>(IModel model, SqliteConnection connection)
        where TEntity : class => new(model, connection, null);

    /// <summary>An <c>UPDATE</c> of the named properties' columns of the row with the entity's primary key.</summary>
    public static SqliteRowWriter<TEntity> Update<TEntity>(IModel model, SqliteConnection connection, params string[] properties)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentOutOfRangeException.ThrowIfZero(properties.Length);
        return new(model, connection, properties);
    }
}

/// <summary>
/// One prepared <c>INSERT</c>, or <c>UPDATE</c> by primary key, for an entity type on SQLite, built from the EF model
/// rather than written by hand: the table and column names the migrations created, the mapped properties (complex
/// types such as the instance's source included), and each value converted and bound the way EF binds it (typed ids,
/// UTC dates, enums stored by name), through the provider's own type mappings. Rows are written without change
/// tracking, so the caller derives the search columns itself (<see cref="Studies.SearchColumns"/>) and renews a
/// concurrency token it updates.
/// </summary>
public sealed class SqliteRowWriter<TEntity> : IDisposable
    where TEntity : class
{
    private readonly SqliteCommand _command;
    private readonly Column[] _columns;
    private readonly bool _isUpdate;

    internal SqliteRowWriter(IModel model, SqliteConnection connection, IReadOnlyList<string>? updated)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(connection);
        IEntityType type = model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        StoreObjectIdentifier table = StoreObjectIdentifier.Table(
            type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} has no table."), type.GetSchema());
        IProperty[] properties = updated is null
            ? [.. type.GetProperties(), .. type.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties())]
            : [.. updated.Select(name => type.FindProperty(name) ?? throw new InvalidOperationException($"{type.DisplayName()} has no property {name}.")),
               .. type.FindPrimaryKey()!.Properties];

        _isUpdate = updated is not null;
        _command = connection.CreateCommand();
        _columns = new Column[properties.Length];
        for (int i = 0; i < properties.Length; i++)
        {
            IProperty property = properties[i];
            RelationalTypeMapping mapping = property.GetRelationalTypeMapping();
            DbParameter parameter = mapping.CreateParameter(_command, $"@p{i}", null, property.IsNullable);
            _command.Parameters.Add(parameter);
            string column = property.GetColumnName(table)
                ?? throw new InvalidOperationException($"{property.Name} has no column in {table.Name}.");
            _columns[i] = new Column(column, property.GetGetter(), mapping.Converter, parameter);
        }

        if (updated is null)
        {
            _command.CommandText =
                $"INSERT INTO \"{table.Name}\" ({string.Join(", ", _columns.Select(c => $"\"{c.Name}\""))}) " +
                $"VALUES ({string.Join(", ", _columns.Select((_, i) => $"@p{i}"))})";
        }
        else
        {
            int set = updated.Count;
            _command.CommandText =
                $"UPDATE \"{table.Name}\" SET {string.Join(", ", _columns.Take(set).Select((c, i) => $"\"{c.Name}\" = @p{i}"))} " +
                $"WHERE {string.Join(" AND ", _columns.Skip(set).Select((c, i) => $"\"{c.Name}\" = @p{set + i}"))}";
        }

        _command.Prepare();
    }

    /// <summary>Writes the entity's row. An update that finds no row with the entity's key throws.</summary>
    public void Write(TEntity entity, SqliteTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (Column column in _columns)
        {
            object? value = column.Getter.GetClrValueUsingContainingEntity(entity);
            if (value is not null && column.Converter is { } converter)
            {
                value = converter.ConvertToProvider(value);
            }

            column.Parameter.Value = value ?? DBNull.Value;
        }

        _command.Transaction = transaction;
        int rows = _command.ExecuteNonQuery();
        if (_isUpdate && rows != 1)
        {
            throw new InvalidOperationException($"Expected to update one {typeof(TEntity).Name} row, updated {rows}.");
        }
    }

    public void Dispose() => _command.Dispose();

    private sealed record Column(string Name, IClrPropertyGetter Getter, ValueConverter? Converter, DbParameter Parameter);
}
