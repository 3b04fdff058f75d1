using System.Globalization;
using Portico.Index.Studies;

namespace Portico.Benchmarks.IndexSeeding;

/// <summary>Sizes of a seeded index.</summary>
/// <param name="Studies">Number of studies (exact).</param>
/// <param name="Patients">Number of patients (exact); every patient has at least one study.</param>
/// <param name="Instances">Number of instances (exact); series come out at about three per study.</param>
internal sealed record CorpusSize(int Studies, int Patients, int Instances);

/// <summary>One study with everything that hangs off it, as EF entities ready to insert.</summary>
internal sealed record SeededStudy(Study Study, List<Series> Series, List<Instance> Instances, List<StudyLabel> Labels);

/// <summary>
/// A deterministic (seeded) synthetic index: patients with PN names (carets, mixed case, trailing empty components,
/// Japanese three-group names), studies over fifteen years (more recent years busier, weekdays busier, a few
/// undated), a radiology modality mix with dose and CAD reports, accession numbers, referring physicians, workflow
/// statuses by age, sources of every kind, and labels on some studies. Counts per study, series and size are
/// consistent with the rows, as ingest would leave them. A plan (kind, series and instance counts) is drawn first,
/// so the totals are exact; the rows are then generated one study at a time.
/// </summary>
internal sealed class StudyCorpus
{
    private readonly CorpusSize _size;
    private readonly int _seed;
    private readonly DateOnly _until;
    private readonly StudyKind[] _kinds;
    private readonly int[] _patientOf;
    private readonly int[] _firstSeries; // index into _seriesPlan of each study's first series; one extra entry at the end
    private readonly (ModalityProfile Profile, bool Primary)[] _seriesPlan;
    private readonly int[] _instancesPerSeries;
    private readonly Dictionary<string, Label> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _identityIds = new(StringComparer.Ordinal);

    public StudyCorpus(CorpusSize size, int seed, DateOnly until)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Studies);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Patients);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size.Patients, size.Studies);
        _size = size;
        _seed = seed;
        _until = until;

        var random = new Random(seed);
        Patients = [.. Enumerable.Range(0, size.Patients).Select(i => NewPatient(random, i))];
        _patientOf = AssignPatients(random, size);
        _kinds = new StudyKind[size.Studies];
        _firstSeries = new int[size.Studies + 1];
        var series = new List<(ModalityProfile, bool)>(size.Studies * 3);
        for (int i = 0; i < size.Studies; i++)
        {
            StudyKind kind = Vocabulary.StudyKinds.Next(random);
            _kinds[i] = kind;
            _firstSeries[i] = series.Count;
            int primary = random.Next(kind.PrimarySeries.Min, kind.PrimarySeries.Max + 1);
            int secondary = kind.Secondary is not null && random.NextDouble() < kind.SecondaryChance
                ? random.Next(kind.SecondarySeries.Min, kind.SecondarySeries.Max + 1)
                : 0;
            for (int s = 0; s < primary + secondary; s++)
            {
                // A PET/CT starts with its CT series; a report comes last.
                bool isPrimary = kind.Primary.Modality == "PT" ? s >= secondary : s < primary;
                series.Add((isPrimary ? kind.Primary : kind.Secondary!, isPrimary));
            }
        }

        _firstSeries[size.Studies] = series.Count;
        _seriesPlan = [.. series];
        _instancesPerSeries = DistributeInstances(random, _seriesPlan, size.Instances);
        foreach (string name in new[] { DefaultLabels.Uploaded, DefaultLabels.UploadedReviewed })
        {
            _labels[name] = new Label { Id = name == DefaultLabels.Uploaded ? DefaultLabels.UploadedId : DefaultLabels.UploadedReviewedId, Name = name };
        }

        foreach ((string name, _) in Vocabulary.ExtraLabels)
        {
            _labels[name] = new Label { Name = name };
        }
    }

    public IReadOnlyList<Patient> Patients { get; }

    public int SeriesCount => _seriesPlan.Length;

    /// <summary>Labels the corpus uses that the migrations do not seed.</summary>
    public IEnumerable<Label> NewLabels => _labels.Values.Where(l => l.Id != DefaultLabels.UploadedId && l.Id != DefaultLabels.UploadedReviewedId);

    /// <summary>The studies in a random order of dates (ingest order is not date order), one at a time.</summary>
    public IEnumerable<SeededStudy> Studies()
    {
        var random = new Random(_seed ^ 0x5eed);
        for (int i = 0; i < _size.Studies; i++)
        {
            yield return NewStudy(random, i);
        }
    }

    private static int[] AssignPatients(Random random, CorpusSize size)
    {
        // Every patient gets one study; the rest go to a random quarter of them (follow-ups, chronic care), so a
        // frequent patient is as likely to be an old record as a new one.
        int[] frequent = [.. Enumerable.Range(0, size.Patients)];
        random.Shuffle(frequent);
        int frequentCount = Math.Max(1, size.Patients / 4);
        var patientOf = new int[size.Studies];
        for (int i = 0; i < size.Studies; i++)
        {
            patientOf[i] = i < size.Patients ? i : frequent[random.Next(frequentCount)];
        }

        random.Shuffle(patientOf);
        return patientOf;
    }

    /// <summary>One instance per series, the rest shared by weight (a CT series has many, a report has one).</summary>
    private static int[] DistributeInstances(Random random, (ModalityProfile Profile, bool Primary)[] series, int instances)
    {
        if (instances < series.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(instances), instances, $"At least one instance per series ({series.Length}) is needed.");
        }

        var counts = new int[series.Length];
        var weights = new double[series.Length];
        double total = 0;
        for (int i = 0; i < series.Length; i++)
        {
            counts[i] = 1;
            weights[i] = series[i].Profile.InstanceWeight * (0.3 + (1.4 * random.NextDouble()));
            total += weights[i];
        }

        long remaining = instances - series.Length;
        long given = 0;
        for (int i = 0; i < series.Length; i++)
        {
            int share = (int)(remaining * weights[i] / total);
            counts[i] += share;
            given += share;
        }

        while (given < remaining)
        {
            int i = random.Next(series.Length);
            if (weights[i] > 0)
            {
                counts[i]++;
                given++;
            }
        }

        return counts;
    }

    private static Patient NewPatient(Random random, int index)
    {
        bool female = random.NextDouble() < 0.52;
        string family = Vocabulary.FamilyNames.Next(random);
        string[] given = female ? Vocabulary.GivenNamesFemale : Vocabulary.GivenNamesMale;
        string first = given[random.Next(given.Length)];
        double style = random.NextDouble();
        string name = style switch
        {
            < 0.66 => $"{family}^{first}",
            < 0.76 => $"{family}^{first}^{given[random.Next(given.Length)]}",
            < 0.84 => $"{TitleCase(family)}^{TitleCase(first)}",
            < 0.88 => $"{family}^{first}^^^",
            < 0.91 => $"{family}^{first}^^{(female ? "MRS" : "MR")}^{(random.NextDouble() < 0.5 ? "JR" : "")}",
            < 0.94 => $"{family} {first}",
            < 0.96 => Vocabulary.JapaneseNames[random.Next(Vocabulary.JapaneseNames.Length)],
            < 0.975 => family,
            < 0.99 => $"{family.ToLowerInvariant()}^{first.ToLowerInvariant()}",
            < 0.995 => "ANONYMOUS",
            _ => "",
        };

        double issuer = random.NextDouble();
        var patient = new Patient
        {
            PatientId = issuer < 0.9 ? $"MRN{1_000_000 + index:D7}" : $"EXT-{random.Next(100_000, 999_999)}",
            IssuerOfPatientId = issuer switch { < 0.8 => "", < 0.9 => "HOSPITAL_A", _ => "OUTSIDE" },
            PatientName = name,
            BirthDate = random.NextDouble() < 0.02 ? null : new DateOnly(1925, 1, 1).AddDays(random.Next(365 * 100)),
            Sex = random.NextDouble() switch { < 0.02 => "", < 0.03 => "O", _ => female ? "F" : "M" },
        };
        SearchColumns.Derive(patient);
        return patient;
    }

    private static string TitleCase(string value) =>
        value.Length == 0 ? value : string.Concat(value[..1], value[1..].ToLowerInvariant());

    private SeededStudy NewStudy(Random random, int index)
    {
        StudyKind kind = _kinds[index];
        Patient patient = Patients[_patientOf[index]];
        (string description, string bodyPart) = kind.Procedures[random.Next(kind.Procedures.Length)];
        (DateOnly? date, string time, DateTime? dateTime) = NewStudyDateTime(random);
        IngestSource source = NewSource(random, kind.Primary.Modality);
        DateTime received = ReceivedAt(random, source.Kind, dateTime);
        DateTime lastReceived = received.AddSeconds(random.Next(5, 1800));

        var study = new Study
        {
            StudyInstanceUid = NewUid(random),
            PatientRecordId = patient.Id,
            StudyDate = date,
            StudyTime = time,
            StudyDateTime = dateTime,
            Description = random.NextDouble() < 0.05 ? description.ToLowerInvariant() : description,
            AccessionNumber = NewAccessionNumber(random, index, source.Kind, date),
            ReferringPhysicianName = Vocabulary.ReferringPhysicians[random.Next(Vocabulary.ReferringPhysicians.Length)],
            WorkflowStatus = NewStatus(random, received),
            ReceivedAt = received,
            LastReceivedAt = lastReceived,
            SourceKind = source.Kind,
            SourceName = source.Name,
        };

        var seriesRows = new List<Series>(_firstSeries[index + 1] - _firstSeries[index]);
        var instances = new List<Instance>();
        var modalities = new SortedSet<string>(StringComparer.Ordinal);
        for (int s = _firstSeries[index]; s < _firstSeries[index + 1]; s++)
        {
            (ModalityProfile profile, bool primary) = _seriesPlan[s];
            int number = s - _firstSeries[index] + 1;
            var series = new Series
            {
                SeriesInstanceUid = NewUid(random),
                StudyId = study.Id,
                // Reports (one instance, weight 0) are numbered in the 990s, as devices number their dose reports.
                SeriesNumber = random.NextDouble() < 0.01 ? null : profile.InstanceWeight == 0 ? 990 + number : number,
                Modality = profile.Modality,
                Description = profile.SeriesDescriptions[random.Next(profile.SeriesDescriptions.Length)],
                BodyPartExamined = primary ? bodyPart : "",
                NumberOfInstances = _instancesPerSeries[s],
            };
            seriesRows.Add(series);
            modalities.Add(profile.Modality);
            string transferSyntax = Vocabulary.TransferSyntaxes[random.Next(Vocabulary.TransferSyntaxes.Length)];
            for (int n = 1; n <= series.NumberOfInstances; n++)
            {
                long size = (long)(profile.TypicalBytes * (0.8 + (0.4 * random.NextDouble())));
                if (profile.Modality == "US" && random.NextDouble() < 0.15)
                {
                    size *= random.Next(6, 20); // a cine loop
                }

                string sha256 = NewSha256(random);
                instances.Add(new Instance
                {
                    SopInstanceUid = NewUid(random),
                    SeriesId = series.Id,
                    SopClassUid = profile.SopClassUid,
                    InstanceNumber = random.NextDouble() < 0.02 ? null : n,
                    TransferSyntaxUid = transferSyntax,
                    SizeBytes = size,
                    Sha256 = sha256,
                    BlobKey = sha256,
                    ReceivedAt = received + ((lastReceived - received) * n / series.NumberOfInstances),
                    Source = source,
                });
                study.SizeBytes += size;
            }

            study.NumberOfSeries++;
            study.NumberOfInstances += series.NumberOfInstances;
        }

        study.Modalities = string.Join('\\', modalities);
        SearchColumns.Derive(study);
        return new SeededStudy(study, seriesRows, instances, LabelsFor(random, study, source));
    }

    /// <summary>Fifteen years up to <see cref="_until"/>, busier towards the end and on weekdays; 0.5% undated.</summary>
    private (DateOnly? Date, string Time, DateTime? DateTime) NewStudyDateTime(Random random)
    {
        if (random.NextDouble() < 0.005)
        {
            return (null, "", null);
        }

        const int Days = 15 * 365;
        DateOnly date;
        do
        {
            date = _until.AddDays(-(int)(Days * (1 - Math.Sqrt(random.NextDouble()))));
        }
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && random.NextDouble() < 0.7);

        int seconds = random.NextDouble() < 0.9 ? random.Next(7 * 3600, 19 * 3600) : random.Next(0, 24 * 3600);
        var clock = new TimeOnly(seconds / 3600, seconds / 60 % 60, seconds % 60);
        // Devices write TM in several forms; ingest keeps the text and sorts by date + HH:MM:SS.
        string time = random.NextDouble() switch
        {
            < 0.7 => clock.ToString("HHmmss", CultureInfo.InvariantCulture),
            < 0.9 => clock.ToString("HHmmss", CultureInfo.InvariantCulture) + "." + random.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture),
            < 0.95 => clock.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            _ => "",
        };
        if (time.Length == 0)
        {
            clock = TimeOnly.MinValue;
        }

        return (date, time, date.ToDateTime(clock));
    }

    private IngestSource NewSource(Random random, string modality)
    {
        IngestSourceKind kind = Vocabulary.SourceKinds.Next(random);
        switch (kind)
        {
            case IngestSourceKind.DicomIdentity:
                int room = random.Next(1, 4);
                string name = $"{modality}_ROOM{room}";
                if (!_identityIds.TryGetValue(name, out string? id))
                {
                    id = new Guid(NewBytes(random, 16)).ToString();
                    _identityIds[name] = id;
                }

                return new IngestSource(kind, id, name, $"10.20.{modality[0] % 32}.{10 + room}:{random.Next(40000, 60000)}");
            case IngestSourceKind.User:
                string email = Vocabulary.StaffEmails[random.Next(Vocabulary.StaffEmails.Length)];
                return new IngestSource(kind, new Guid(NewBytes(random, 16)).ToString(), email, $"10.30.1.{random.Next(2, 250)}");
            case IngestSourceKind.UploadCode:
                string code = $"UPL-{random.Next(0x1000, 0xFFFF):X4}-{random.Next(0x10, 0xFF):X2}";
                return new IngestSource(kind, new Guid(NewBytes(random, 16)).ToString(), code, $"198.51.100.{random.Next(1, 255)}");
            case IngestSourceKind.ApiKey:
                string key = Vocabulary.ApiKeyNames[random.Next(Vocabulary.ApiKeyNames.Length)];
                return new IngestSource(kind, new Guid(NewBytes(random, 16)).ToString(), key, "10.40.0.5");
            default:
                return new IngestSource(kind, null, Vocabulary.ImportNames[random.Next(Vocabulary.ImportNames.Length)]);
        }
    }

    private DateTime ReceivedAt(Random random, IngestSourceKind kind, DateTime? studyDateTime)
    {
        DateTime untilUtc = _until.ToDateTime(new TimeOnly(23, 0), DateTimeKind.Utc);
        if (studyDateTime is not { } acquired || kind == IngestSourceKind.Import)
        {
            // Imports (archive migrations, outside CDs) arrive in the last two years, whenever the study was made.
            return untilUtc.AddSeconds(-random.Next(0, 2 * 365 * 86_400));
        }

        DateTime utc = DateTime.SpecifyKind(acquired, DateTimeKind.Utc);
        DateTime received = kind == IngestSourceKind.UploadCode
            ? utc.AddDays(random.Next(1, 60)).AddSeconds(random.Next(86_400))
            : utc.AddSeconds(random.Next(60, 3 * 3600));
        return received > untilUtc ? untilUtc : received;
    }

    private WorkflowStatus NewStatus(Random random, DateTime received)
    {
        double age = (_until.ToDateTime(TimeOnly.MinValue) - received).TotalDays;
        double x = random.NextDouble();
        return age > 30
            ? x switch { < 0.95 => WorkflowStatus.Finalized, < 0.98 => WorkflowStatus.InProgress, _ => WorkflowStatus.New }
            : x switch { < 0.4 => WorkflowStatus.New, < 0.7 => WorkflowStatus.InProgress, _ => WorkflowStatus.Finalized };
    }

    private static string NewAccessionNumber(Random random, int index, IngestSourceKind kind, DateOnly? date)
    {
        double x = random.NextDouble();
        if (x < 0.04 || kind == IngestSourceKind.UploadCode && x < 0.5)
        {
            return "";
        }

        return kind == IngestSourceKind.Import
            ? $"EXT{random.Next(10_000_000, 99_999_999)}"
            : x < 0.8 ? $"A{20_000_000 + index:D8}" : $"ACC{date?.Year ?? 2000}-{index:D6}";
    }

    private List<StudyLabel> LabelsFor(Random random, Study study, IngestSource source)
    {
        var labels = new List<StudyLabel>();
        if (source.Kind == IngestSourceKind.UploadCode)
        {
            string name = study.WorkflowStatus == WorkflowStatus.Finalized ? DefaultLabels.UploadedReviewed : DefaultLabels.Uploaded;
            labels.Add(new StudyLabel { StudyId = study.Id, LabelId = _labels[name].Id, AddedAt = study.ReceivedAt, AddedBy = source.Name ?? "" });
        }

        foreach ((string name, double share) in Vocabulary.ExtraLabels)
        {
            if (random.NextDouble() < share)
            {
                labels.Add(new StudyLabel
                {
                    StudyId = study.Id,
                    LabelId = _labels[name].Id,
                    AddedAt = study.LastReceivedAt.AddHours(random.Next(1, 24 * 14)),
                    AddedBy = Vocabulary.StaffEmails[random.Next(Vocabulary.StaffEmails.Length)],
                });
            }
        }

        return labels;
    }

    /// <summary>A UUID-derived UID (PS3.5 §B.2): <c>2.25.</c> and a random version 4 UUID as an integer.</summary>
    private static string NewUid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var value = new UInt128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]));
        value = (value & ~((UInt128)0xF << 76)) | ((UInt128)0x4 << 76); // version 4
        value = (value & ~((UInt128)0x3 << 62)) | ((UInt128)0x2 << 62); // RFC 4122 variant
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }

    private static string NewSha256(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static byte[] NewBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
