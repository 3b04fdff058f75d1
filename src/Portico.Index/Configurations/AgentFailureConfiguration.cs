using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.StressTests;

namespace Portico.Index.Configurations;

internal sealed class AgentFailureConfiguration : IEntityTypeConfiguration<AgentFailure>
{
    public void Configure(EntityTypeBuilder<AgentFailure> builder)
    {
        builder.ToTable("AgentFailures");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.HasOne<Portico.Index.Access.ApiKey>().WithMany().HasForeignKey(f => f.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => new { f.ResolvedAt, f.FailedAt });
        builder.HasIndex(f => f.ApiKeyId);
        builder.Property(f => f.AgentName).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(f => f.Folder).IsRequired().HasMaxLength(512);
        builder.Property(f => f.Files).IsRequired().HasMaxLength(2048);
        builder.Property(f => f.Reason).IsRequired().HasMaxLength(8000);
        builder.Property(f => f.RetryRequestedBy).HasMaxLength(IndexLimits.NameMaxLength);
    }
}
