namespace Shifo.Synth.Tests;

public class PinflTests
{
    [Fact]
    public void Generated_number_has_the_documented_layout_and_is_valid()
    {
        var pinfl = Pinfl.Generate(male: true, new DateOnly(1985, 3, 7), districtCode: 263, serial: 41);
        Assert.Equal(14, pinfl.Length);
        Assert.Equal("3070385263041", pinfl[..13]); // man born in the 1900s, 07.03.85, district 263, serial 041
        // check digit: weights 7,3,1 over the first 13 digits, modulo 10
        var digits = pinfl[..13].Select(c => c - '0').ToArray();
        var expected = digits.Select((d, i) => d * new[] { 7, 3, 1 }[i % 3]).Sum() % 10;
        Assert.Equal(expected, pinfl[13] - '0');
        Assert.True(Pinfl.IsValid(pinfl));
    }

    [Theory]
    [InlineData(true, 1999, 3)]
    [InlineData(false, 1950, 4)]
    [InlineData(true, 2003, 5)]
    [InlineData(false, 2024, 6)]
    [InlineData(false, 1899, 2)]
    public void First_digit_encodes_sex_and_century(bool male, int year, int digit)
    {
        var pinfl = Pinfl.Generate(male, new DateOnly(year, 12, 31), 1, 1);
        Assert.Equal(digit, pinfl[0] - '0');
        Assert.Equal((male, new DateOnly(year, 12, 31)), Pinfl.Decode(pinfl));
    }

    [Fact]
    public void IsValid_rejects_a_wrong_check_digit_and_malformed_numbers()
    {
        var pinfl = Pinfl.Generate(false, new DateOnly(2001, 11, 30), 45, 999);
        for (var d = 0; d <= 9; d++)
        {
            var changed = pinfl[..13] + (char)('0' + d);
            Assert.Equal(changed == pinfl, Pinfl.IsValid(changed));
        }
        Assert.False(Pinfl.IsValid(null));
        Assert.False(Pinfl.IsValid(pinfl[..13]));
        Assert.False(Pinfl.IsValid(pinfl + "0"));
        Assert.False(Pinfl.IsValid("A" + pinfl[1..]));
        // a swapped pair of digits changes the weighted sum
        Assert.False(Pinfl.IsValid(pinfl[..7] + pinfl[8] + pinfl[7] + pinfl[9..]));
    }

    [Fact]
    public void IsValid_rejects_impossible_dates_and_first_digits()
    {
        static string WithCheck(string first13) => first13 + Pinfl.CheckDigit(first13);
        Assert.False(Pinfl.IsValid(WithCheck("3290200001001"))); // digit 3 = 1900s: 29.02.1900 is not a date
        Assert.False(Pinfl.IsValid(WithCheck("3290201001001"))); // 29.02.1901
        Assert.True(Pinfl.IsValid(WithCheck("5290200001001")));  // 29.02.2000
        Assert.False(Pinfl.IsValid(WithCheck("3321399001001"))); // month 13
        Assert.False(Pinfl.IsValid(WithCheck("7010199001001"))); // no such first digit
        Assert.False(Pinfl.IsValid(WithCheck("0010199001001")));
    }
}
