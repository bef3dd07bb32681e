using System.Text;
using Shifo.Fhir.Validation;

namespace Shifo.Fhir.Tests.Validation;

/// <summary>The hand-written value checks accept exactly what the definitions' regular expressions accept.</summary>
public class NativeFormatTests
{
    [Theory]
    [InlineData(@"[ \r\n\t\S]+")]
    [InlineData(@"\S*")]
    [InlineData(@"[^\s]+(\s[^\s]+)*")]
    [InlineData(@"[A-Za-z0-9\-\.]{1,64}")]
    [InlineData("true|false")]
    public void Native_check_agrees_with_the_pattern(string pattern)
    {
        var native = NativeFormats.For(pattern)!;
        var regex = SpecRegex.Compile(pattern);
        const string alphabet = "aZ09-._ \t\n\v\f\r\u00A0é/truefals";
        var rnd = new Random(pattern.Length);
        string[] fixedCases = ["", " ", "a", "a b", "a  b", " a", "a ", "a\u00A0b", "true", "false", "True", new string('a', 64), new string('a', 65)];
        foreach (var v in fixedCases) Assert.True(regex.IsMatch(v) == native(v), $"'{v}'");
        for (var n = 0; n < 20000; n++)
        {
            var chars = new char[rnd.Next(0, 12)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rnd.Next(alphabet.Length)];
            var v = new string(chars);
            Assert.True(regex.IsMatch(v) == native(v), $"'{v}'");
        }
    }

    [Theory]
    [InlineData(@"[ \r\n\t\S]+")]
    [InlineData(@"\S*")]
    [InlineData(@"(\s*([0-9a-zA-Z\+/=]){4}\s*)+")]
    public void Utf8_check_agrees_with_the_pattern(string pattern)
    {
        var native = NativeFormats.ForUtf8(pattern)!;
        var regex = SpecRegex.Compile(pattern);
        const string alphabet = "aZ09+/= \t\n\v\f\r\u00A0é中-*";
        var rnd = new Random(pattern.Length);
        string[] fixedCases = ["", " ", "abcd", "ab cd", "abcd efgh", " abcd\n", "abc", "abcde", "ab=\u00A0=", "a\u00A0b", "a\fb"];
        foreach (var v in fixedCases) Assert.True(regex.IsMatch(v) == native(Encoding.UTF8.GetBytes(v)), $"'{v}'");
        for (var n = 0; n < 20000; n++)
        {
            var chars = new char[rnd.Next(0, 14)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rnd.Next(alphabet.Length)];
            var v = new string(chars);
            Assert.True(regex.IsMatch(v) == native(Encoding.UTF8.GetBytes(v)), $"'{v}'");
        }
    }
}
