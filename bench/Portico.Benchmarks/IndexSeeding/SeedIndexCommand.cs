using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portico.Index;
using Portico.Index.Studies;

namespace Portico.Benchmarks.IndexSeeding;

/// <summary>
/// <c>seed-index DATA_DIR [--studies N] [--patients N] [--instances N] [--seed N] [--until YYYY-MM-DD]</c>: creates
/// <c>DATA_DIR/portico.db</c> with the real migrations and fills it with a synthetic index (<see cref="StudyCorpus"/>;
/// default 100,000 studies, 60% as many patients, ten instances per study) for the Study List query benchmark
/// (<c>bench/study-list-query.sh</c>). Rows go in through prepared commands in large transactions, without EF
/// change tracking; instances get no blobs.
/// </summary>
internal static class SeedIndexCommand
{
    public const string Name = "seed-index";

    private const int StudiesPerTransaction = 2_000;

    private const string Usage =
        "usage: seed-index DATA_DIR [--studies N] [--patients N] [--instances N] [--seed N] [--until YYYY-MM-DD]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out string? directory, out CorpusSize? size, out int seed, out DateOnly until, out string? error))
        {
            await Console.Error.WriteLineAsync(error ?? Usage);
            return 2;
        }

        string database = Path.GetFullPath(Path.Combine(directory, "portico.db"));
        if (File.Exists(database))
        {
            await Console.Error.WriteLineAsync($"seed-index: {database} exists; seed an empty data directory.");
            return 2;
        }

        var total = Stopwatch.StartNew();
        string connectionString = new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString();
        var options = new DbContextOptionsBuilder<PorticoDbContext>();
        options.UsePorticoSqlite(connectionString);
        await using var db = new PorticoDbContext(options.Options);
        await db.Database.MigrateAsync();
        Console.WriteLine($"seed-index: migrated {database} in {total.Elapsed.TotalSeconds:F1} s");

        var corpus = new StudyCorpus(size, seed, until);
        Console.WriteLine($"seed-index: planned {size.Studies:N0} studies, {size.Patients:N0} patients, {corpus.SeriesCount:N0} series, {size.Instances:N0} instances (seed {seed}, until {until:yyyy-MM-dd})");

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        // Seeding only: no fsync per commit, a large page cache. The server sets its own pragmas on every connection.
        Execute(connection, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;");
        int labelled = Insert(db.Model, connection, corpus, size.Studies);

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Console.WriteLine(
            $"seed-index: {Count(connection, "Studies"):N0} studies, {Count(connection, "Patients"):N0} patients, " +
            $"{Count(connection, "Series"):N0} series, {Count(connection, "Instances"):N0} instances, {labelled:N0} study labels; " +
            $"{new FileInfo(database).Length / 1e6:N0} MB in {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static int Insert(IModel model, SqliteConnection connection, StudyCorpus corpus, int studies)
    {
        using var patients = SqliteRowWriter.Insert<Patient>(model, connection);
        using var labels = SqliteRowWriter.Insert<Label>(model, connection);
        using var studyRows = SqliteRowWriter.Insert<Study>(model, connection);
        using var studyLabels = SqliteRowWriter.Insert<StudyLabel>(model, connection);
        using var series = SqliteRowWriter.Insert<Series>(model, connection);
        using var instances = SqliteRowWriter.Insert<Instance>(model, connection);

        var elapsed = Stopwatch.StartNew();
        SqliteTransaction transaction = connection.BeginTransaction();
        foreach (Patient patient in corpus.Patients)
        {
            patients.Write(patient, transaction);
        }

        foreach (Label label in corpus.NewLabels)
        {
            labels.Write(label, transaction);
        }

        transaction.Commit();
        transaction.Dispose();
        Console.WriteLine($"seed-index: patients and labels in {elapsed.Elapsed.TotalSeconds:F1} s");

        int done = 0, labelled = 0;
        transaction = connection.BeginTransaction();
        foreach (SeededStudy seeded in corpus.Studies())
        {
            studyRows.Write(seeded.Study, transaction);
            seeded.Labels.ForEach(l => studyLabels.Write(l, transaction));
            seeded.Series.ForEach(s => series.Write(s, transaction));
            seeded.Instances.ForEach(i => instances.Write(i, transaction));
            labelled += seeded.Labels.Count;
            if (++done % StudiesPerTransaction == 0 || done == studies)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                if (done % (studies / 10 is 0 ? 1 : studies / 10) == 0)
                {
                    Console.WriteLine($"seed-index: {done:N0} studies in {elapsed.Elapsed.TotalSeconds:F1} s");
                }
            }
        }

        transaction.Commit();
        transaction.Dispose();
        return labelled;
    }

    private static bool TryParse(
        string[] args,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? directory,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CorpusSize? size,
        out int seed,
        out DateOnly until,
        out string? error)
    {
        directory = null;
        size = null;
        seed = 42;
        until = DateOnly.FromDateTime(DateTime.UtcNow);
        error = null;
        int studies = 100_000;
        int? patients = null, instances = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (directory is not null)
                {
                    return false;
                }

                directory = arg;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"seed-index: {arg} needs a value.\n{Usage}";
                return false;
            }

            string value = args[++i];
            bool ok = arg switch
            {
                "--studies" => int.TryParse(value, CultureInfo.InvariantCulture, out studies) && studies > 0,
                "--patients" => int.TryParse(value, CultureInfo.InvariantCulture, out int p) && p > 0 && (patients = p) > 0,
                "--instances" => int.TryParse(value, CultureInfo.InvariantCulture, out int n) && n > 0 && (instances = n) > 0,
                "--seed" => int.TryParse(value, CultureInfo.InvariantCulture, out seed),
                "--until" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out until),
                _ => false,
            };
            if (!ok)
            {
                error = $"seed-index: bad option {arg} {value}.\n{Usage}";
                return false;
            }
        }

        if (directory is null)
        {
            return false;
        }

        size = new CorpusSize(studies, patients ?? Math.Max(1, studies * 3 / 5), instances ?? studies * 10);
        if (size.Patients > size.Studies)
        {
            error = "seed-index: --patients cannot exceed --studies (every patient has a study).";
            return false;
        }

        return true;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Count(SqliteConnection connection, string table)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }
}
