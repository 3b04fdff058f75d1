using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PortalScanningAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentFailures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApiKeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Files = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    FailedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RetryRequestedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RetryRequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentFailures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentFailures_ApiKeys_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "ApiKeys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PortalSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UploadCodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CodeHint = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RemoteAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeclaredBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    DicomFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    NonDicomFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalSessions_UploadCodes_UploadCodeId",
                        column: x => x.UploadCodeId,
                        principalTable: "UploadCodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

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

            migrationBuilder.CreateTable(
                name: "PortalAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BlobKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalAttachments_PortalSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PortalSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PortalFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UploadId = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    ResultsJson = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalFiles_PortalSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PortalSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PortalPatients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OriginalKey = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    OriginalPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NewPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalPatients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalPatients_PortalSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PortalSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PortalStudies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    DicomFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    NonDicomFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    OriginalPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    NewPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OriginalAccessionNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    NewAccessionNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalStudies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalStudies_PortalSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PortalSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentFailures_ApiKeyId",
                table: "AgentFailures",
                column: "ApiKeyId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentFailures_ResolvedAt_FailedAt",
                table: "AgentFailures",
                columns: new[] { "ResolvedAt", "FailedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PortalAttachments_BlobKey",
                table: "PortalAttachments",
                column: "BlobKey");

            migrationBuilder.CreateIndex(
                name: "IX_PortalAttachments_SessionId",
                table: "PortalAttachments",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalAttachments_StudyInstanceUid",
                table: "PortalAttachments",
                column: "StudyInstanceUid");

            migrationBuilder.CreateIndex(
                name: "IX_PortalFiles_SessionId",
                table: "PortalFiles",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalFiles_UploadId",
                table: "PortalFiles",
                column: "UploadId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortalPatients_NewPatientId",
                table: "PortalPatients",
                column: "NewPatientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortalPatients_SessionId_OriginalKey",
                table: "PortalPatients",
                columns: new[] { "SessionId", "OriginalKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortalSessions_State",
                table: "PortalSessions",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_PortalSessions_UploadCodeId",
                table: "PortalSessions",
                column: "UploadCodeId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalStudies_NewAccessionNumber",
                table: "PortalStudies",
                column: "NewAccessionNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortalStudies_SessionId_StudyInstanceUid",
                table: "PortalStudies",
                columns: new[] { "SessionId", "StudyInstanceUid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortalStudies_StudyInstanceUid",
                table: "PortalStudies",
                column: "StudyInstanceUid");

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedFiles_QuarantinedAt",
                table: "QuarantinedFiles",
                column: "QuarantinedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentFailures");

            migrationBuilder.DropTable(
                name: "PortalAttachments");

            migrationBuilder.DropTable(
                name: "PortalFiles");

            migrationBuilder.DropTable(
                name: "PortalPatients");

            migrationBuilder.DropTable(
                name: "PortalStudies");

            migrationBuilder.DropTable(
                name: "QuarantinedFiles");

            migrationBuilder.DropTable(
                name: "PortalSessions");
        }
    }
}
