using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Index.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentFailures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ApiKeyId = table.Column<Guid>(type: "uuid", nullable: false),
                    AgentName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Folder = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Files = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Reason = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    FailedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RetryRequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RetryRequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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

            migrationBuilder.CreateIndex(
                name: "IX_AgentFailures_ApiKeyId",
                table: "AgentFailures",
                column: "ApiKeyId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentFailures_ResolvedAt_FailedAt",
                table: "AgentFailures",
                columns: new[] { "ResolvedAt", "FailedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentFailures");
        }
    }
}
