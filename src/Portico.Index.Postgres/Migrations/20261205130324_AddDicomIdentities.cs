using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddDicomIdentities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DicomAssociationLog",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DurationMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    CallingAETitle = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CalledAETitle = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    RemoteAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LocalPort = table.Column<int>(type: "integer", nullable: false),
                    TlsMode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Accepted = table.Column<bool>(type: "boolean", nullable: false),
                    RejectResult = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RejectSource = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RejectReason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Detail = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    IdentityId = table.Column<Guid>(type: "uuid", nullable: true),
                    EchoCount = table.Column<int>(type: "integer", nullable: false),
                    StoreCount = table.Column<int>(type: "integer", nullable: false),
                    StoreFailedCount = table.Column<int>(type: "integer", nullable: false),
                    FindCount = table.Column<int>(type: "integer", nullable: false),
                    MoveCount = table.Column<int>(type: "integer", nullable: false),
                    GetCount = table.Column<int>(type: "integer", nullable: false),
                    BytesReceived = table.Column<long>(type: "bigint", nullable: false),
                    BytesSent = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DicomAssociationLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DicomIdentities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AETitle = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    AllowAnonymousTls = table.Column<bool>(type: "boolean", nullable: false),
                    AllowedOperations = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: true),
                    Port = table.Column<int>(type: "integer", nullable: true),
                    AllowedAddresses = table.Column<List<string>>(type: "text[]", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastAssociationAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AssociationCount = table.Column<long>(type: "bigint", nullable: false),
                    InstancesReceived = table.Column<long>(type: "bigint", nullable: false),
                    BytesReceived = table.Column<long>(type: "bigint", nullable: false),
                    LastRefusedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastRefusalReason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DicomIdentities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DicomClientCertificates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IdentityId = table.Column<Guid>(type: "uuid", nullable: false),
                    SerialNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Thumbprint = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DicomClientCertificates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DicomClientCertificates_DicomIdentities_IdentityId",
                        column: x => x.IdentityId,
                        principalTable: "DicomIdentities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DicomAssociationLog_CallingAETitle_StartedAt",
                table: "DicomAssociationLog",
                columns: new[] { "CallingAETitle", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DicomAssociationLog_IdentityId_StartedAt",
                table: "DicomAssociationLog",
                columns: new[] { "IdentityId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DicomAssociationLog_StartedAt",
                table: "DicomAssociationLog",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_DicomClientCertificates_IdentityId",
                table: "DicomClientCertificates",
                column: "IdentityId");

            migrationBuilder.CreateIndex(
                name: "IX_DicomClientCertificates_Thumbprint",
                table: "DicomClientCertificates",
                column: "Thumbprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DicomIdentities_AETitle",
                table: "DicomIdentities",
                column: "AETitle",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DicomAssociationLog");

            migrationBuilder.DropTable(
                name: "DicomClientCertificates");

            migrationBuilder.DropTable(
                name: "DicomIdentities");
        }
    }
}
