using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Quarantine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QuarantinedFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuarantinedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ZipEntry = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    SourceAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    SourceKind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SourceName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarantinedFiles", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedFiles_QuarantinedAt",
                table: "QuarantinedFiles",
                column: "QuarantinedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuarantinedFiles");
        }
    }
}
