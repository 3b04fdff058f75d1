using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

/// <summary>An <see cref="IngestSource"/> as a value object in its owner's own columns (complex type), the same in every table.</summary>
internal static class IngestSourceColumns
{
    public static void Map(ComplexPropertyBuilder<IngestSource> source)
    {
        source.Property(s => s.Kind).HasColumnName("SourceKind");
        source.Property(s => s.Id).HasColumnName("SourceId").HasMaxLength(IndexLimits.NameMaxLength);
        source.Property(s => s.Name).HasColumnName("SourceName").HasMaxLength(IndexLimits.NameMaxLength);
        source.Property(s => s.Address).HasColumnName("SourceAddress").HasMaxLength(IndexLimits.AddressMaxLength);
    }
}
