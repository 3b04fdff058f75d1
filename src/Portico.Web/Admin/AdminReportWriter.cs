using Portico.Ingest.Pipeline;

namespace Portico.Web.Admin;

/// <summary>The summaries the <c>admin</c> commands print: counts and UIDs, never patient data.</summary>
internal static class AdminReportWriter
{
    public static void Write(TextWriter output, IndexVerifyReport report)
    {
        output.WriteLine($"Index verification ({(report.HashesVerified ? "every blob hashed" : "blobs not hashed; --hash reads every blob")})");
        Line(output, "instance rows checked", report.Instances);
        Line(output, "blobs in the store", report.Blobs);
        Line(output, "rows whose blob is missing", report.Count(IndexProblemKind.MissingBlob));
        Line(output, "rows whose size differs from the blob", report.Count(IndexProblemKind.LengthMismatch));
        Line(output, "blobs whose SHA-256 is not their key", report.HashesVerified ? report.Count(IndexProblemKind.HashMismatch).ToString("N0") : "not checked");
        Line(output, "blobs no row points to", report.Count(IndexProblemKind.UnreferencedBlob));
        Line(output, "series with wrong totals", report.Count(IndexProblemKind.SeriesTotalsMismatch));
        Line(output, "studies with wrong totals", report.Count(IndexProblemKind.StudyTotalsMismatch));
        Line(output, "empty series", report.Count(IndexProblemKind.EmptySeries));
        Line(output, "empty studies", report.Count(IndexProblemKind.EmptyStudy));
        Line(output, "patients without studies", report.Count(IndexProblemKind.PatientWithoutStudies));
        WriteExamples(output, "Examples", report.Examples, report.Counts);
        output.WriteLine(report.IsConsistent
            ? "Result: consistent."
            : $"Result: {report.ProblemCount:N0} problem(s) found; `admin rebuild-index` repairs them (docs/operations.md).");
    }

    public static void Write(TextWriter output, IndexRebuildReport report, string? quarantineDirectory)
    {
        output.WriteLine($"Index rebuild ({(report.FromScratch ? "from scratch" : "repair")}; {(report.HashesVerified ? "every blob hashed" : "referenced blobs hashed only when their length differs")})");
        if (report.FromScratch)
        {
            Line(output, "instance rows wiped", report.InstancesCleared);
            Line(output, "study rows wiped", report.StudiesCleared);
        }
        else
        {
            Line(output, "rows removed, blob missing", report.RowsRemovedMissingBlob);
            Line(output, "rows removed, blob corrupt", report.RowsRemovedCorruptBlob);
            Line(output, "row sizes corrected", report.SizesCorrected);
        }

        Line(output, "unreferenced blobs found", report.Blobs.Examined);
        Line(output, "  indexed", report.Blobs.Indexed);
        Line(output, "  set aside, SHA-256 not their key", report.Blobs.Corrupt);
        Line(output, "  set aside, not DICOM", report.Blobs.NotDicom);
        Line(output, "  set aside, SOP Instance UID taken", report.Blobs.Conflicting);
        Line(output, "series totals corrected", report.SeriesTotalsCorrected);
        Line(output, "study totals corrected", report.StudyTotalsCorrected);
        Line(output, "empty series removed", report.EmptySeriesRemoved);
        Line(output, "empty studies removed", report.EmptyStudiesRemoved);
        Line(output, "patients without studies removed", report.PatientsRemoved);
        if (report.Blobs.SetAside > 0 && quarantineDirectory is not null)
        {
            output.WriteLine($"Blobs set aside are in {quarantineDirectory}");
        }

        var removed = new Dictionary<IndexProblemKind, int>
        {
            [IndexProblemKind.MissingBlob] = report.RowsRemovedMissingBlob,
            [IndexProblemKind.HashMismatch] = report.RowsRemovedCorruptBlob,
        };
        WriteExamples(output, "Instances removed from the index", report.RemovedExamples, removed);
        output.WriteLine("Result: rebuilt; recorded in the audit log as Index.Rebuilt.");
    }

    private static void Line(TextWriter output, string label, int value) => Line(output, label, value.ToString("N0"));

    private static void Line(TextWriter output, string label, string value) => output.WriteLine($"  {label + ":",-40} {value}");

    private static void WriteExamples(TextWriter output, string title, IReadOnlyList<IndexProblem> examples, IReadOnlyDictionary<IndexProblemKind, int> counts)
    {
        if (examples.Count == 0)
        {
            return;
        }

        output.WriteLine($"{title} (SOP Instance UIDs, blob keys, Series/Study Instance UIDs, patient row ids):");
        foreach (IGrouping<IndexProblemKind, IndexProblem> kind in examples.GroupBy(e => e.Kind))
        {
            foreach (IndexProblem problem in kind)
            {
                output.WriteLine($"  {problem.Kind} {problem.Subject}");
            }

            if (counts.GetValueOrDefault(kind.Key) - kind.Count() is > 0 and int more)
            {
                output.WriteLine($"  {kind.Key} ... and {more:N0} more");
            }
        }
    }
}
