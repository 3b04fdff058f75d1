using System.Text.Json;
using System.Text.Json.Serialization;
using Portico.Index.Conversions;

namespace Portico.Web.Hosting;

/// <summary>Strongly typed ids (<c>StudyId</c>...) appear in JSON as their GUID string, not as <c>{"value": ...}</c>.</summary>
public sealed class TypedIdJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsValueType && typeToConvert.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITypedId<>));

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert));

    private sealed class Converter<T> : JsonConverter<T>
        where T : struct, ITypedId<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => T.FromGuid(reader.GetGuid());

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }
}
