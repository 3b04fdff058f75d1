using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portico.Benchmarks.IndexSeeding;

/// <summary>
/// One prepared <c>INSERT</c> for an entity type, built from the EF model rather than written by hand: the table and
/// column names the migrations created, every mapped property (complex types such as the instance's source
/// included), and each value converted and bound the way EF binds it (typed ids, UTC dates, enums stored by name),
/// through the provider's own type mappings. Rows are written without change tracking, so the caller derives the
/// search columns itself (<see cref="Portico.Index.Studies.SearchColumns"/>).
/// </summary>
internal sealed class TableInserter<TEntity> : IDisposable
    where TEntity : class
{
    private readonly SqliteCommand _command;
    private readonly Column[] _columns;

    public TableInserter(IModel model, SqliteConnection connection)
    {
        IEntityType type = model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        StoreObjectIdentifier table = StoreObjectIdentifier.Table(
            type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} has no table."), type.GetSchema());
        IProperty[] properties = [.. type.GetProperties(), .. type.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties())];

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

        _command.CommandText =
            $"INSERT INTO \"{table.Name}\" ({string.Join(", ", _columns.Select(c => $"\"{c.Name}\""))}) " +
            $"VALUES ({string.Join(", ", _columns.Select((_, i) => $"@p{i}"))})";
        _command.Prepare();
    }

    public void Insert(TEntity entity, SqliteTransaction transaction)
    {
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
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    private sealed record Column(string Name, IClrPropertyGetter Getter, ValueConverter? Converter, DbParameter Parameter);
}
