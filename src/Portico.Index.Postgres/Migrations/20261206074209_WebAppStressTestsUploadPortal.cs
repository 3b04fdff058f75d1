using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WebAppStressTestsUploadPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SecuritySettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    InactivityTimeoutMinutes = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SecuritySettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StressTestAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StudyId = table.Column<Guid>(type: "uuid", nullable: false),
                    XmlSha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    XmlBlobKey = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    XmlSizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    XmlFileName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Vendor = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TestStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SummaryJson = table.Column<string>(type: "text", nullable: false),
                    PdfSopInstanceUid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MatchedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ImportedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
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

            migrationBuilder.CreateTable(
                name: "UploadCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CodeHash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    IssuedTo = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Note = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    MaxSessions = table.Column<int>(type: "integer", nullable: true),
                    Uses = table.Column<int>(type: "integer", nullable: false),
                    LastUsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UploadCodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UploadPortalSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    InstitutionName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Phone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ManualUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    PrivacyPolicy = table.Column<string>(type: "character varying(32768)", maxLength: 32768, nullable: false),
                    ConsentText = table.Column<string>(type: "character varying(8192)", maxLength: 8192, nullable: false),
                    MaxSessionBytes = table.Column<long>(type: "bigint", nullable: false),
                    MaxStudiesPerSession = table.Column<int>(type: "integer", nullable: false),
                    DefaultCodeValidityDays = table.Column<int>(type: "integer", nullable: false),
                    MaxCodeValidityDays = table.Column<int>(type: "integer", nullable: false),
                    AllowUnscannedUploads = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UploadPortalSettings", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "SecuritySettings",
                columns: new[] { "Id", "InactivityTimeoutMinutes" },
                values: new object[] { 1, 30 });

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

            migrationBuilder.CreateIndex(
                name: "IX_UploadCodes_CodeHash",
                table: "UploadCodes",
                column: "CodeHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UploadCodes_CreatedAt",
                table: "UploadCodes",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SecuritySettings");

            migrationBuilder.DropTable(
                name: "StressTestAttachments");

            migrationBuilder.DropTable(
                name: "UploadCodes");

            migrationBuilder.DropTable(
                name: "UploadPortalSettings");
        }
    }
}
