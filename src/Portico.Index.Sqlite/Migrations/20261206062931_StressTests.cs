using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StressTests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StressTestAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    XmlSha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    XmlBlobKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    XmlSizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    XmlFileName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Vendor = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TestStart = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SummaryJson = table.Column<string>(type: "TEXT", nullable: false),
                    PdfSopInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    MatchedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ImportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StressTestAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StressTestAttachments_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StressTestAttachments_StudyId",
                table: "StressTestAttachments",
                column: "StudyId");

            migrationBuilder.CreateIndex(
                name: "IX_StressTestAttachments_XmlBlobKey",
                table: "StressTestAttachments",
                column: "XmlBlobKey");

            migrationBuilder.CreateIndex(
                name: "IX_StressTestAttachments_XmlSha256",
                table: "StressTestAttachments",
                column: "XmlSha256",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StressTestAttachments");
        }
    }
}
