using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

/// <summary>
/// The index committer's direct SQLite writes (<see cref="SqliteIngestWriter"/>) against its EF Core path: the same
/// files, in the same order, into two fresh pipelines, one with each, must leave the same rows, down to how each value
/// is stored (typed ids and dates as text, enums by name, derived search columns) and the same answers.
/// </summary>
public sealed partial class DirectIndexWritesTests
{
    private static readonly IngestSource Source = new(IngestSourceKind.DicomIdentity, "id-1", "CT scanner", "127.0.0.1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Direct_writes_leave_the_same_rows_and_answers_as_the_EF_Core_path()
    {
        Scenario scenario = Scenario.Create();

        (List<string> directAnswers, List<string> directRows) = await RunAsync(scenario, direct: true);
        (List<string> contextAnswers, List<string> contextRows) = await RunAsync(scenario, direct: false);

        Assert.Equal(contextAnswers, directAnswers);
        Assert.Equal(contextRows, directRows);
        // The scenario reached every case: new and existing studies and series, a duplicate, a conflict.
        Assert.Contains("Duplicate", directAnswers);
        Assert.Contains("Conflict", directAnswers);
        Assert.Equal(scenario.Files.Count - 2 + scenario.Concurrent.Count - 1, directRows.Count);
    }

    [Fact]
    public async Task A_study_the_direct_path_updates_gets_a_new_version_and_its_counts()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string studyUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        string ct = Portico.Dicom.Uids.UidGenerator.NewUid();
        string mr = Portico.Dicom.Uids.UidGenerator.NewUid();
        // The two files' sizes differ by a few bytes when their new UIDs differ in length.
        string first = host.Spool("CT_small.dcm", change: InSeries(studyUid, ct, "CT"));
        long firstSize = new FileInfo(first).Length;
        Assert.Equal(IngestStatus.Stored, (await pipeline.IngestFileAsync(first, Source, Ct)).Status);
        Study before = await ReadStudyAsync(host, studyUid);

        string second = host.Spool("CT_small.dcm", change: InSeries(studyUid, mr, "MR"));
        long secondSize = new FileInfo(second).Length;
        Assert.Equal(IngestStatus.Stored, (await pipeline.IngestFileAsync(second, Source, Ct)).Status);
        Study after = await ReadStudyAsync(host, studyUid);

        Assert.NotEqual(before.Version, after.Version);
        Assert.Equal((1, 1, "CT"), (before.NumberOfSeries, before.NumberOfInstances, before.Modalities));
        Assert.Equal((2, 2, "CT\\MR"), (after.NumberOfSeries, after.NumberOfInstances, after.Modalities));
        Assert.Equal((firstSize, firstSize + secondSize), (before.SizeBytes, after.SizeBytes));
        Assert.True(after.LastReceivedAt > before.LastReceivedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=/var/lib/portico/portico.db", true)]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=:memory:", false)]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=index;Mode=Memory;Cache=Shared", false)]
    [InlineData(DatabaseProvider.PostgreSql, "Host=127.0.0.1;Database=portico", false)]
    public void Only_a_SQLite_file_is_written_directly(DatabaseProvider provider, string connectionString, bool available)
    {
        using var writer = new SqliteIngestWriter(
            Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { Provider = provider, ConnectionString = connectionString }), null!);
        Assert.Equal(available, writer.IsAvailable);
    }

    private static async Task<Study> ReadStudyAsync(PipelineHost host, string studyUid)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        return await db.Studies.AsNoTracking().SingleAsync(s => s.StudyInstanceUid == studyUid, Ct);
    }

    private static Action<Portico.Dicom.Data.DicomDataset> InSeries(string studyUid, string seriesUid, string modality) => ds =>
    {
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, modality);
    };

    private static async Task<(List<string> Answers, List<string> Rows)> RunAsync(Scenario scenario, bool direct)
    {
        await using PipelineHost host = await PipelineHost.StartAsync(settings: new()
        {
            ["Portico:Ingest:DirectSqliteIndexWrites"] = direct ? "true" : "false",
        });
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        var answers = new List<string>();
        foreach (byte[] file in scenario.Files)
        {
            answers.Add((await pipeline.IngestFileAsync(Write(host, file), Source, Ct)).Status.ToString());
        }

        // Many at once, so the committer gathers them into shared batches (one of them sent twice).
        IngestOutcome[] concurrent = await Task.WhenAll(scenario.Concurrent.Select(file => Task.Run(() => pipeline.IngestFileAsync(Write(host, file), Source, Ct), Ct)));
        answers.AddRange(concurrent.Select(o => o.Status.ToString()).Order(StringComparer.Ordinal));

        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        string connectionString = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database.GetConnectionString()!;
        return (answers, Dump(connectionString));
    }

    private static string Write(PipelineHost host, byte[] file)
    {
        string path = Path.Combine(host.Services.GetRequiredService<Portico.Storage.IBlobStore>().TempDirectory, "test-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>
    /// Every instance with its series, study and patient, every column; generated keys and times (which differ between
    /// runs) replaced by the form they are stored in, so a value stored differently still shows.
    /// </summary>
    private static List<string> Dump(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText =
            "SELECT i.*, '|', se.*, '|', st.*, '|', p.* FROM Instances i JOIN Series se ON se.Id = i.SeriesId " +
            "JOIN Studies st ON st.Id = se.StudyId JOIN Patients p ON p.Id = st.PatientRecordId ORDER BY i.SopInstanceUid";
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var fields = new List<string>();
            for (int i = 0; i < reader.FieldCount; i++)
            {
                string name = reader.GetName(i);
                string value = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                string type = reader.IsDBNull(i) ? "null" : reader.GetDataTypeName(i);
                if (name is "Id" or "SeriesId" or "StudyId" or "PatientRecordId" or "Version")
                {
                    value = UpperCaseGuid().IsMatch(value) ? "<guid text>" : "<unexpected id: " + value + ">";
                }
                else if (name is "ReceivedAt" or "LastReceivedAt")
                {
                    value = UtcText().IsMatch(value) ? "<date text>" : "<unexpected date: " + value + ">";
                }

                fields.Add($"{name}={type}:{value}");
            }

            rows.Add(string.Join(", ", fields));
        }

        return rows;
    }

    [GeneratedRegex("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")]
    private static partial Regex UpperCaseGuid();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,7})?$")]
    private static partial Regex UtcText();

    /// <summary>The files both runs receive: the same bytes, so the same UIDs and hashes.</summary>
    private sealed record Scenario(List<byte[]> Files, List<byte[]> Concurrent)
    {
        public static Scenario Create()
        {
            string first = Portico.Dicom.Uids.UidGenerator.NewUid();
            string ct = Portico.Dicom.Uids.UidGenerator.NewUid();
            string mr = Portico.Dicom.Uids.UidGenerator.NewUid();
            string other = Portico.Dicom.Uids.UidGenerator.NewUid();
            string busy = Portico.Dicom.Uids.UidGenerator.NewUid();
            string busySeries = Portico.Dicom.Uids.UidGenerator.NewUid();
            var files = new List<byte[]>
            {
                // A new study with one series, then a second series in another modality, then more of the first.
                DicomSamples.WithNewUids("CT_small.dcm", out _, out string conflicted, change: InSeries(first, ct, "CT")),
                DicomSamples.WithNewUids("CT_small.dcm", out _, out _, change: InSeries(first, mr, "MR")),
                DicomSamples.WithNewUids("CT_small.dcm", out _, out _, change: InSeries(first, ct, "CT")),
                // Another patient's study, from another sample with its own names and dates.
                DicomSamples.WithNewUids("MR_small.dcm", out _, out _, change: ds =>
                {
                    ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, other);
                    ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "Mueller^Anna-Lena");
                }),
            };
            files.Add(files[0]); // the same file again: a duplicate
            files.Add(DicomSamples.WithNewUids("CT_small.dcm", out _, out _, conflicted, ds => // same UID, other content
            {
                InSeries(first, ct, "CT")(ds);
                ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "Sent again, changed");
            }));

            var concurrent = Enumerable.Range(0, 12)
                .Select(_ => DicomSamples.WithNewUids("CT_small.dcm", out string _, out string _, change: InSeries(busy, busySeries, "CT")))
                .ToList();
            concurrent.Add(concurrent[3]);
            return new Scenario(files, concurrent);
        }
    }
}
