using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portico.Index.Conversions;

/// <summary>
/// Every <see cref="DateTime"/> in the index is UTC. SQLite stores no kind (values read back as
/// <see cref="DateTimeKind.Unspecified"/>) and PostgreSQL's <c>timestamp with time zone</c> accepts only UTC,
/// so values are labelled UTC on the way in and on the way out. A <see cref="DateTimeKind.Local"/> value is
/// converted; an unspecified one is taken as UTC (this is how the DICOM wall-clock
/// <c>Study.StudyDateTime</c>, which has no zone, is carried: as a sort key, not an instant).
/// </summary>
internal sealed class UtcDateTimeConverter()
    : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc
            ? value
            : value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
