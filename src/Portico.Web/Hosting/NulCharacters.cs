using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Web.Hosting;

/// <summary>
/// Text with a NUL character is refused at the door (400), wherever a caller can put it: query strings, route values,
/// JSON bodies. No field of Portico has a use for one, and PostgreSQL refuses text that holds one, so it used to fail
/// deep inside a query or a save as a 500 (found by fuzzing the API on PostgreSQL).
/// </summary>
public static class NulCharacters
{
    public const string Message = "Text must not contain NUL characters (U+0000).";

    /// <summary>Answers 400 problem details when a query or route value holds a NUL character.</summary>
    public static IApplicationBuilder UseNulCharacterGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HasNul(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = Message },
                });
                return;
            }

            await next(context);
        });

    private static bool HasNul(HttpRequest request)
    {
        if (request.Path.HasValue && request.Path.Value.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        // Only a "%00" (or a raw NUL) decodes to one: most requests, uploads among them, skip parsing the query.
        string? raw = request.QueryString.Value;
        if (raw is null || (!raw.Contains("%00", StringComparison.Ordinal) && !raw.Contains('\0', StringComparison.Ordinal)))
        {
            return false;
        }

        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> pair in request.Query)
        {
            if (pair.Key.Contains('\0', StringComparison.Ordinal))
            {
                return true;
            }

            foreach (string? value in pair.Value)
            {
                if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Reads JSON strings, refusing one with a NUL character (the request's model binding then answers 400).</summary>
    public sealed class JsonConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? value = reader.GetString();
            return value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException(Message) : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value);
        }
    }
}
