using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;

namespace Portico.Index.Studies;

/// <summary>
/// The index rows of a batch of newly received instances, written on SQLite without EF Core's change tracker: one
/// long-lived connection with its statements prepared once (<see cref="SqliteRowWriter{TEntity}"/> for the rows, point
/// look-ups on the unique indexes). The ingest committer uses it for the common batch (new instances and identical
/// duplicates); anything else goes through <see cref="PorticoDbContext"/>. Measured on a fresh server, EF Core's
/// update pipeline and the code it compiles on first use were half of the methods the JIT compiled while the first
/// CT series arrived, and a sixth of the warm server's CPU per small instance.
/// </summary>
/// <remarks>
/// A batch is one <c>BEGIN IMMEDIATE</c> transaction: it holds SQLite's write lock from its first look-up, so no other
/// writer changes a study between its look-up and its update. A study it updates gets a new
/// <see cref="Study.Version"/>, as <see cref="PorticoDbContext"/> gives one on save, so an edit that read the study
/// before fails its concurrency check instead of overwriting the counts. One batch at a time.
/// </remarks>
public sealed class SqliteIngestWriter(IOptions<DatabaseOptions> options, IDbContextFactory<PorticoDbContext> contexts) : IDisposable
{
    private readonly Lock _gate = new();
    private Statements? _statements;
    private bool? _available;
    private bool _busy;
    private bool _disposed;

    /// <summary>
    /// True when the index is a SQLite file (the only kind this writer serves: an in-memory database is private to the
    /// connection that opened it, so this writer's own connection would not see it).
    /// </summary>
    public bool IsAvailable => _available ??= options.Value.Provider == DatabaseProvider.Sqlite && !IsInMemory(options.Value.ConnectionString);

    /// <summary>
    /// Opens the connection and prepares the statements now rather than at the first batch (building them compiles the
    /// model's property getters: tens of milliseconds the first instances of a fresh server would otherwise wait for).
    /// </summary>
    public void Prepare()
    {
        if (!IsAvailable)
        {
            return;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_busy)
            {
                _statements ??= Statements.Open(options.Value.ConnectionString, contexts);
            }
        }
    }

    /// <summary>Starts a batch's transaction. Dispose the batch to end it; only <see cref="Batch.Commit"/> keeps its rows.</summary>
    public Batch Begin()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("The direct ingest writer serves a SQLite index only.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_busy)
            {
                throw new InvalidOperationException("A batch is already open.");
            }

            _statements ??= Statements.Open(options.Value.ConnectionString, contexts);
            _busy = true;
        }

        try
        {
            return new Batch(this, _statements, _statements.Connection.BeginTransaction(deferred: false));
        }
        catch
        {
            End(broken: true);
            throw;
        }
    }

    private static bool IsInMemory(string connectionString)
    {
        var parsed = new SqliteConnectionStringBuilder(connectionString);
        return parsed.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(parsed.DataSource)
            || parsed.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || parsed.DataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (!_busy)
            {
                _statements?.Dispose();
                _statements = null;
            }
        }
    }

    private void End(bool broken)
    {
        lock (_gate)
        {
            _busy = false;
            if (broken || _disposed)
            {
                // A failed statement may leave the connection in any state: the next batch opens a new one.
                _statements?.Dispose();
                _statements = null;
            }
        }
    }

    /// <summary>One transaction of the writer: look-ups, then the rows to insert and the counts to update.</summary>
    public sealed class Batch : IDisposable
    {
        private readonly SqliteIngestWriter _owner;
        private readonly Statements _statements;
        private readonly SqliteTransaction _transaction;
        private bool _committed;

        internal Batch(SqliteIngestWriter owner, Statements statements, SqliteTransaction transaction)
        {
            _owner = owner;
            _statements = statements;
            _transaction = transaction;
        }

        /// <summary>The stored instance with this SOP Instance UID (its SHA-256 and its study's UID), or null.</summary>
        public (string Sha256, string StudyInstanceUid)? FindInstance(string sopInstanceUid)
        {
            using SqliteDataReader reader = Run(_statements.FindInstance, sopInstanceUid);
            return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
        }

        /// <summary>
        /// The study with this UID, or null, as a detached entity with what an ingest updates: its key and UID, its
        /// series and instance counts, size and modalities. Its other properties keep their defaults.
        /// </summary>
        public Study? FindStudy(string studyInstanceUid)
        {
            using SqliteDataReader reader = Run(_statements.FindStudy, studyInstanceUid);
            return reader.Read()
                ? new Study
                {
                    Id = new StudyId(reader.GetGuid(0)),
                    StudyInstanceUid = studyInstanceUid,
                    NumberOfSeries = reader.GetInt32(1),
                    NumberOfInstances = reader.GetInt32(2),
                    SizeBytes = reader.GetInt64(3),
                    Modalities = reader.GetString(4),
                }
                : null;
        }

        /// <summary>The series with this UID, or null, as a detached entity with its key, study key and instance count.</summary>
        public Series? FindSeries(string seriesInstanceUid)
        {
            using SqliteDataReader reader = Run(_statements.FindSeries, seriesInstanceUid);
            return reader.Read()
                ? new Series
                {
                    Id = new SeriesId(reader.GetGuid(0)),
                    SeriesInstanceUid = seriesInstanceUid,
                    StudyId = new StudyId(reader.GetGuid(1)),
                    NumberOfInstances = reader.GetInt32(2),
                }
                : null;
        }

        /// <summary>Inserts a patient (its search column derived here).</summary>
        public void Insert(Patient patient)
        {
            SearchColumns.Derive(patient);
            _statements.InsertPatient.Write(patient, _transaction);
        }

        /// <summary>Inserts a study (its search column derived here); its patient is inserted before it.</summary>
        public void Insert(Study study)
        {
            SearchColumns.Derive(study);
            _statements.InsertStudy.Write(study, _transaction);
        }

        /// <summary>Inserts a series; its study is inserted before it.</summary>
        public void Insert(Series series) => _statements.InsertSeries.Write(series, _transaction);

        /// <summary>Inserts an instance; its series is inserted before it.</summary>
        public void Insert(Instance instance) => _statements.InsertInstance.Write(instance, _transaction);

        /// <summary>
        /// Writes a stored study's counts, size, modalities (and their search column) and last-received time, with a
        /// new <see cref="Study.Version"/>.
        /// </summary>
        public void UpdateCounts(Study study)
        {
            ArgumentNullException.ThrowIfNull(study);
            SearchColumns.Derive(study);
            study.Version = Guid.NewGuid();
            _statements.UpdateStudy.Write(study, _transaction);
        }

        /// <summary>Writes a stored series' instance count.</summary>
        public void UpdateCounts(Series series) => _statements.UpdateSeries.Write(series, _transaction);

        /// <summary>Commits the batch's rows (and the WAL's fsync).</summary>
        public void Commit()
        {
            _transaction.Commit();
            _committed = true;
        }

        /// <summary>Rolls back unless committed, and hands the connection back.</summary>
        public void Dispose()
        {
            bool broken = false;
            try
            {
                if (!_committed)
                {
                    _transaction.Rollback();
                }
            }
            catch (SqliteException)
            {
                broken = true;
            }
            finally
            {
                _transaction.Dispose();
                _owner.End(broken);
            }
        }

        private SqliteDataReader Run(SqliteCommand command, string uid)
        {
            ArgumentNullException.ThrowIfNull(uid);
            command.Transaction = _transaction;
            command.Parameters[0].Value = uid;
            return command.ExecuteReader();
        }
    }

    /// <summary>The connection and its prepared statements.</summary>
    internal sealed class Statements : IDisposable
    {
        private Statements(SqliteConnection connection, IModel model)
        {
            var sql = new LookupSql(model);
            Connection = connection;
            FindInstance = Prepare(connection, sql.Instance());
            FindStudy = Prepare(connection, sql.Study());
            FindSeries = Prepare(connection, sql.Series());
            InsertPatient = SqliteRowWriter.Insert<Patient>(model, connection);
            InsertStudy = SqliteRowWriter.Insert<Study>(model, connection);
            InsertSeries = SqliteRowWriter.Insert<Series>(model, connection);
            InsertInstance = SqliteRowWriter.Insert<Instance>(model, connection);
            UpdateStudy = SqliteRowWriter.Update<Study>(
                model,
                connection,
                nameof(Study.NumberOfSeries),
                nameof(Study.NumberOfInstances),
                nameof(Study.SizeBytes),
                nameof(Study.Modalities),
                nameof(Study.ModalitiesSearch),
                nameof(Study.LastReceivedAt),
                nameof(Study.Version));
            UpdateSeries = SqliteRowWriter.Update<Series>(model, connection, nameof(Series.NumberOfInstances));
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand FindInstance { get; }

        public SqliteCommand FindStudy { get; }

        public SqliteCommand FindSeries { get; }

        public SqliteRowWriter<Patient> InsertPatient { get; }

        public SqliteRowWriter<Study> InsertStudy { get; }

        public SqliteRowWriter<Series> InsertSeries { get; }

        public SqliteRowWriter<Instance> InsertInstance { get; }

        public SqliteRowWriter<Study> UpdateStudy { get; }

        public SqliteRowWriter<Series> UpdateSeries { get; }

        public static Statements Open(string connectionString, IDbContextFactory<PorticoDbContext> contexts)
        {
            using PorticoDbContext db = contexts.CreateDbContext();
            IModel model = db.Model;
            var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
            var connection = new SqliteConnection(builder.ConnectionString);
            try
            {
                connection.Open();
                using (SqliteCommand pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = SqlitePragmaInterceptor.Pragmas;
                    pragmas.ExecuteNonQuery();
                }

                return new Statements(connection, model);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            FindInstance.Dispose();
            FindStudy.Dispose();
            FindSeries.Dispose();
            InsertPatient.Dispose();
            InsertStudy.Dispose();
            InsertSeries.Dispose();
            InsertInstance.Dispose();
            UpdateStudy.Dispose();
            UpdateSeries.Dispose();
            Connection.Dispose();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("$uid", SqliteType.Text);
            command.Prepare();
            return command;
        }
    }

    /// <summary>The look-ups' SQL, with table and column names from the model, so a renamed column cannot silently break them.</summary>
    private sealed class LookupSql(IModel model)
    {
        private readonly Names _studies = new(model, typeof(Study));
        private readonly Names _series = new(model, typeof(Series));
        private readonly Names _instances = new(model, typeof(Instance));

        public string Instance() =>
            $"SELECT i.{_instances[nameof(Studies.Instance.Sha256)]}, st.{_studies[nameof(Studies.Study.StudyInstanceUid)]} FROM {_instances.Table} i " +
            $"JOIN {_series.Table} se ON se.{_series[nameof(Studies.Series.Id)]} = i.{_instances[nameof(Studies.Instance.SeriesId)]} " +
            $"JOIN {_studies.Table} st ON st.{_studies[nameof(Studies.Study.Id)]} = se.{_series[nameof(Studies.Series.StudyId)]} " +
            $"WHERE i.{_instances[nameof(Studies.Instance.SopInstanceUid)]} = $uid";

        public string Study() =>
            $"SELECT {_studies[nameof(Studies.Study.Id)]}, {_studies[nameof(Studies.Study.NumberOfSeries)]}, {_studies[nameof(Studies.Study.NumberOfInstances)]}, " +
            $"{_studies[nameof(Studies.Study.SizeBytes)]}, {_studies[nameof(Studies.Study.Modalities)]} " +
            $"FROM {_studies.Table} WHERE {_studies[nameof(Studies.Study.StudyInstanceUid)]} = $uid";

        public string Series() =>
            $"SELECT {_series[nameof(Studies.Series.Id)]}, {_series[nameof(Studies.Series.StudyId)]}, {_series[nameof(Studies.Series.NumberOfInstances)]} " +
            $"FROM {_series.Table} WHERE {_series[nameof(Studies.Series.SeriesInstanceUid)]} = $uid";

        private sealed class Names(IModel model, Type entity)
        {
            private readonly IEntityType _type = model.FindEntityType(entity)!;

            private StoreObjectIdentifier Id => StoreObjectIdentifier.Table(_type.GetTableName()!, _type.GetSchema());

            public string Table => $"\"{Id.Name}\"";

            public string this[string property] => $"\"{_type.FindProperty(property)!.GetColumnName(Id)}\"";
        }
    }
}
