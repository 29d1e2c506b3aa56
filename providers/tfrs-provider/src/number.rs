//! Arbitrary-precision binary floating point numbers, as Terraform's cty
//! keeps them (Go's `math/big.Float`).
//!
//! Terraform parses number literals at 512 bits of mantissa and rounds to
//! nearest-even, so `0.1 + 0.2` prints `0.3` and `1/3` prints 155 digits.
//! Results of functions that go through `float64` (pow, log, ...) carry 53
//! bits, and print the shortest decimal that identifies them at *that*
//! precision (`pow(2,100)` is `1267650600228229400000000000000`). To render
//! exactly what Terraform renders we therefore keep a precision per value and
//! round every operation the way `big.Float` does: to `max(prec(a), prec(b))`
//! bits, nearest-even.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;

/// The precision Terraform gives parsed number literals.
pub const DEFAULT_PRECISION: u32 = 512;
/// The precision of values that came from a `float64`.
pub const F64_PRECISION: u32 = 53;

#[derive(Clone, Debug)]
enum Repr {
    /// `mant * 2^exp`, `mant` non-zero with at most `prec` bits.
    Finite {
        neg: bool,
        mant: BigUint,
        exp: i64,
    },
    Zero {
        neg: bool,
    },
    Inf {
        neg: bool,
    },
}

/// A number value: a binary float with its own precision.
#[derive(Clone, Debug)]
pub struct Number {
    repr: Repr,
    prec: u32,
}

/// Why a string is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseNumberError;

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number is required")
    }
}

impl Number {
    pub fn zero() -> Number {
        Number {
            repr: Repr::Zero { neg: false },
            prec: DEFAULT_PRECISION,
        }
    }

    pub fn infinity(neg: bool) -> Number {
        Number {
            repr: Repr::Inf { neg },
            prec: DEFAULT_PRECISION,
        }
    }

    pub fn precision(&self) -> u32 {
        self.prec
    }

    /// Builds `neg * mant * 2^exp` rounded to `prec` bits (nearest-even);
    /// `sticky` says that bits below `mant`'s last one were non-zero.
    fn from_parts(neg: bool, mant: BigUint, exp: i64, prec: u32, sticky: bool) -> Number {
        if mant.is_zero() {
            return Number {
                repr: Repr::Zero { neg },
                prec,
            };
        }
        let bits = mant.bits() as i64;
        let (mant, exp) = if bits > prec as i64 {
            let shift = (bits - prec as i64) as u64;
            let kept = &mant >> shift;
            let half = BigUint::one() << (shift - 1);
            let rest = &mant - (&kept << shift);
            let round_up = match rest.cmp(&half) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => sticky || kept.is_odd(),
            };
            let kept = if round_up { kept + 1u32 } else { kept };
            (kept, exp + shift as i64)
        } else {
            (mant, exp)
        };
        let tz = mant.trailing_zeros().unwrap_or(0);
        let (mant, exp) = if tz > 0 {
            (mant >> tz, exp + tz as i64)
        } else {
            (mant, exp)
        };
        Number {
            repr: Repr::Finite { neg, mant, exp },
            prec,
        }
    }

    /// Correctly rounded `num / den` at `prec` bits.
    fn from_ratio(neg: bool, num: BigUint, den: BigUint, prec: u32) -> Number {
        if num.is_zero() {
            return Number {
                repr: Repr::Zero { neg },
                prec,
            };
        }
        // Scale so that the quotient has at least prec + 2 bits.
        let shift = (prec as i64 + 2) - (num.bits() as i64 - den.bits() as i64);
        let (n, d) = if shift >= 0 {
            (num << shift as u64, den)
        } else {
            (num, den << (-shift) as u64)
        };
        let (q, r) = n.div_rem(&d);
        Number::from_parts(neg, q, -shift, prec, !r.is_zero())
    }

    pub fn from_i64(v: i64) -> Number {
        Number::from_parts(
            v < 0,
            BigUint::from(v.unsigned_abs()),
            0,
            DEFAULT_PRECISION,
            false,
        )
    }

    pub fn from_u64(v: u64) -> Number {
        Number::from_parts(false, BigUint::from(v), 0, DEFAULT_PRECISION, false)
    }

    pub fn from_bigint(v: &BigInt) -> Number {
        let prec = (v.bits() as u32).max(DEFAULT_PRECISION);
        Number::from_parts(
            v.sign() == Sign::Minus,
            v.magnitude().clone(),
            0,
            prec,
            false,
        )
    }

    /// A number from a `float64`, at 53 bits as `big.NewFloat` makes it.
    pub fn from_f64(v: f64) -> Number {
        if v.is_infinite() {
            return Number {
                repr: Repr::Inf { neg: v < 0.0 },
                prec: F64_PRECISION,
            };
        }
        if v == 0.0 || v.is_nan() {
            return Number {
                repr: Repr::Zero {
                    neg: v.is_sign_negative() && !v.is_nan(),
                },
                prec: F64_PRECISION,
            };
        }
        let bits = v.to_bits();
        let neg = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        Number::from_parts(neg, BigUint::from(mant), exp, F64_PRECISION, false)
    }

    /// Parses a decimal literal (`12`, `-1.5`, `1e30`, `2.5E-3`) at 512 bits.
    pub fn parse(s: &str) -> Result<Number, ParseNumberError> {
        // As `big.ParseFloat` (cty's `ParseNumberVal`): no surrounding
        // spaces.
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        match body {
            "Inf" | "inf" | "+Inf" => return Ok(Number::infinity(neg)),
            _ => {}
        }
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => {
                let e = &body[i + 1..];
                let e: i64 = e.parse().map_err(|_| ParseNumberError)?;
                (&body[..i], e)
            }
            None => (body, 0),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(ParseNumberError);
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(ParseNumberError);
        }
        if exponent.abs() > 100_000 {
            return Err(ParseNumberError);
        }
        let digits = format!("{int_part}{frac_part}");
        let value = BigUint::parse_bytes(digits.as_bytes(), 10).ok_or(ParseNumberError)?;
        let scale = exponent - frac_part.len() as i64;
        let ten = BigUint::from(10u32);
        Ok(if scale >= 0 {
            Number::from_parts(
                neg,
                value * num_traits::pow(ten, scale as usize),
                0,
                DEFAULT_PRECISION,
                false,
            )
        } else {
            Number::from_ratio(
                neg,
                value,
                num_traits::pow(ten, (-scale) as usize),
                DEFAULT_PRECISION,
            )
        })
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.repr, Repr::Zero { .. })
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.repr, Repr::Inf { .. })
    }

    pub fn is_negative(&self) -> bool {
        match &self.repr {
            Repr::Finite { neg, .. } | Repr::Inf { neg } => *neg,
            Repr::Zero { .. } => false,
        }
    }

    /// Whether the value is a whole number (infinities are not).
    pub fn is_integer(&self) -> bool {
        match &self.repr {
            Repr::Zero { .. } => true,
            Repr::Finite { exp, .. } => *exp >= 0,
            Repr::Inf { .. } => false,
        }
    }

    /// The whole part, truncated towards zero; `None` for infinities.
    pub fn trunc_bigint(&self) -> Option<BigInt> {
        match &self.repr {
            Repr::Zero { .. } => Some(BigInt::zero()),
            Repr::Inf { .. } => None,
            Repr::Finite { neg, mant, exp } => {
                let mag = if *exp >= 0 {
                    mant << (*exp as u64)
                } else {
                    mant >> ((-*exp) as u64)
                };
                let sign = if *neg { Sign::Minus } else { Sign::Plus };
                Some(BigInt::from_biguint(sign, mag))
            }
        }
    }

    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        self.trunc_bigint()?.to_i64()
    }

    pub fn to_f64(&self) -> f64 {
        match &self.repr {
            Repr::Zero { neg } => {
                if *neg {
                    -0.0
                } else {
                    0.0
                }
            }
            Repr::Inf { neg } => {
                if *neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Repr::Finite { .. } => {
                // Round to 53 bits first so the conversion is exact.
                let r = self.with_precision(F64_PRECISION);
                let Repr::Finite { neg, mant, exp } = r.repr else {
                    return 0.0;
                };
                let m = mant.to_f64().unwrap_or(f64::INFINITY);
                let v = if exp > 1023 {
                    f64::INFINITY
                } else if exp < -1100 {
                    0.0
                } else {
                    m * 2f64.powi(exp as i32)
                };
                if neg {
                    -v
                } else {
                    v
                }
            }
        }
    }

    /// The same value rounded to `prec` bits.
    pub fn with_precision(&self, prec: u32) -> Number {
        match &self.repr {
            Repr::Finite { neg, mant, exp } => {
                Number::from_parts(*neg, mant.clone(), *exp, prec, false)
            }
            other => Number {
                repr: other.clone(),
                prec,
            },
        }
    }

    pub fn neg(&self) -> Number {
        let repr = match &self.repr {
            Repr::Finite { neg, mant, exp } => Repr::Finite {
                neg: !neg,
                mant: mant.clone(),
                exp: *exp,
            },
            Repr::Zero { neg } => Repr::Zero { neg: !neg },
            Repr::Inf { neg } => Repr::Inf { neg: !neg },
        };
        Number {
            repr,
            prec: self.prec,
        }
    }

    /// The absolute value; `-0` becomes `0`, as with `big.Float.Abs`.
    pub fn abs(&self) -> Number {
        if self.is_negative() || matches!(self.repr, Repr::Zero { neg: true }) {
            self.neg()
        } else {
            self.clone()
        }
    }

    fn signed_parts(&self) -> Option<(BigInt, i64)> {
        match &self.repr {
            Repr::Finite { neg, mant, exp } => Some((
                BigInt::from_biguint(if *neg { Sign::Minus } else { Sign::Plus }, mant.clone()),
                *exp,
            )),
            _ => None,
        }
    }

    fn from_signed(v: BigInt, exp: i64, prec: u32) -> Number {
        let neg = v.sign() == Sign::Minus;
        Number::from_parts(neg, v.magnitude().clone(), exp, prec, false)
    }

    /// `None` when the result is undefined (∞ - ∞).
    pub fn add(&self, other: &Number) -> Option<Number> {
        let prec = self.prec.max(other.prec);
        match (&self.repr, &other.repr) {
            (Repr::Inf { neg: a }, Repr::Inf { neg: b }) if a != b => None,
            (Repr::Inf { .. }, _) => Some(self.with_precision(prec)),
            (_, Repr::Inf { .. }) => Some(other.with_precision(prec)),
            (Repr::Zero { neg: a }, Repr::Zero { neg: b }) => Some(Number {
                repr: Repr::Zero { neg: *a && *b },
                prec,
            }),
            (Repr::Zero { .. }, _) => Some(other.with_precision(prec)),
            (_, Repr::Zero { .. }) => Some(self.with_precision(prec)),
            _ => {
                let (a, ea) = self.signed_parts()?;
                let (b, eb) = other.signed_parts()?;
                let e = ea.min(eb);
                let sum = (a << (ea - e) as u64) + (b << (eb - e) as u64);
                Some(Number::from_signed(sum, e, prec))
            }
        }
    }

    pub fn sub(&self, other: &Number) -> Option<Number> {
        self.add(&other.neg())
    }

    /// `None` when the result is undefined (0 × ∞).
    pub fn mul(&self, other: &Number) -> Option<Number> {
        let prec = self.prec.max(other.prec);
        let neg = self.is_negative_signbit() != other.is_negative_signbit();
        match (&self.repr, &other.repr) {
            (Repr::Inf { .. }, Repr::Zero { .. }) | (Repr::Zero { .. }, Repr::Inf { .. }) => None,
            (Repr::Inf { .. }, _) | (_, Repr::Inf { .. }) => Some(Number {
                repr: Repr::Inf { neg },
                prec,
            }),
            (Repr::Zero { .. }, _) | (_, Repr::Zero { .. }) => Some(Number {
                repr: Repr::Zero { neg },
                prec,
            }),
            (
                Repr::Finite {
                    mant: ma, exp: ea, ..
                },
                Repr::Finite {
                    mant: mb, exp: eb, ..
                },
            ) => Some(Number::from_parts(neg, ma * mb, ea + eb, prec, false)),
        }
    }

    fn is_negative_signbit(&self) -> bool {
        match &self.repr {
            Repr::Finite { neg, .. } | Repr::Inf { neg } | Repr::Zero { neg } => *neg,
        }
    }

    /// `None` when the result is undefined (0/0, ∞/∞). `x/0` is ±∞, as in
    /// `big.Float` (Terraform's `/` operator reports division by zero itself).
    pub fn div(&self, other: &Number) -> Option<Number> {
        let prec = self.prec.max(other.prec);
        let neg = self.is_negative_signbit() != other.is_negative_signbit();
        match (&self.repr, &other.repr) {
            (Repr::Zero { .. }, Repr::Zero { .. }) | (Repr::Inf { .. }, Repr::Inf { .. }) => None,
            (Repr::Inf { .. }, _) | (_, Repr::Zero { .. }) => Some(Number {
                repr: Repr::Inf { neg },
                prec,
            }),
            (Repr::Zero { .. }, _) | (_, Repr::Inf { .. }) => Some(Number {
                repr: Repr::Zero { neg },
                prec,
            }),
            (
                Repr::Finite {
                    mant: ma, exp: ea, ..
                },
                Repr::Finite {
                    mant: mb, exp: eb, ..
                },
            ) => {
                let q = Number::from_ratio(neg, ma.clone(), mb.clone(), prec);
                Some(q.scale2(ea - eb))
            }
        }
    }

    fn scale2(mut self, by: i64) -> Number {
        if let Repr::Finite { exp, .. } = &mut self.repr {
            *exp += by;
        }
        self
    }

    /// Largest integer not greater than the value.
    pub fn floor(&self) -> Number {
        if self.is_integer() || self.is_infinite() {
            return self.clone();
        }
        let t = self.trunc_bigint().unwrap_or_default();
        let t = if self.is_negative() {
            t - BigInt::one()
        } else {
            t
        };
        Number::from_signed(t, 0, self.prec)
    }

    /// Smallest integer not less than the value.
    pub fn ceil(&self) -> Number {
        if self.is_integer() || self.is_infinite() {
            return self.clone();
        }
        let t = self.trunc_bigint().unwrap_or_default();
        let t = if self.is_negative() {
            t
        } else {
            t + BigInt::one()
        };
        Number::from_signed(t, 0, self.prec)
    }

    /// The value truncated towards zero, as a number.
    pub fn trunc(&self) -> Number {
        match self.trunc_bigint() {
            Some(t) => Number::from_signed(t, 0, self.prec),
            None => self.clone(),
        }
    }

    pub fn cmp_num(&self, other: &Number) -> Ordering {
        fn rank(n: &Number) -> i32 {
            match &n.repr {
                Repr::Inf { neg: true } => -2,
                Repr::Finite { neg: true, .. } => -1,
                Repr::Zero { .. } => 0,
                Repr::Finite { neg: false, .. } => 1,
                Repr::Inf { neg: false } => 2,
            }
        }
        let (ra, rb) = (rank(self), rank(other));
        if ra != rb || ra.abs() != 1 {
            return ra.cmp(&rb);
        }
        let (a, ea) = self.signed_parts().unwrap_or_default();
        let (b, eb) = other.signed_parts().unwrap_or_default();
        let e = ea.min(eb);
        (a << (ea - e) as u64).cmp(&(b << (eb - e) as u64))
    }

    /// The exact decimal expansion: digits (no trailing zeros) and the
    /// position of the decimal point, value = 0.DIGITS × 10^point.
    fn exact_decimal(mant: &BigUint, exp: i64) -> (Vec<u8>, i64) {
        let (digits, point) = if exp >= 0 {
            let s = (mant << exp as u64).to_str_radix(10);
            let n = s.len() as i64;
            (s.into_bytes(), n)
        } else {
            let k = (-exp) as usize;
            let s = (mant * num_traits::pow(BigUint::from(5u32), k)).to_str_radix(10);
            let n = s.len() as i64;
            (s.into_bytes(), n - k as i64)
        };
        let mut digits = digits;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        (digits, point)
    }

    /// The shortest decimal digits that identify the value at its precision
    /// (Go's `roundShortest`).
    fn shortest_decimal(&self) -> Option<(Vec<u8>, i64)> {
        let Repr::Finite { mant, exp, .. } = &self.repr else {
            return None;
        };
        let (mut digits, mut point) = Number::exact_decimal(mant, *exp);
        let bits = mant.bits() as i64;
        let s = bits - (self.prec as i64 + 1);
        let (m2, e2) = if s < 0 {
            (mant << (-s) as u64, *exp + s)
        } else {
            (mant >> s as u64, *exp + s)
        };
        // Go's math/big compares the digit strings position by position,
        // without aligning decimal points; we do the same to print the same.
        let (lower, _) = Number::exact_decimal(&(&m2 - 1u32), e2);
        let (upper, _) = Number::exact_decimal(&(&m2 + 1u32), e2);
        let at = |d: &Vec<u8>, i: usize| -> u8 { d.get(i).copied().unwrap_or(b'0') };
        let inclusive = !m2.bit(1);
        for i in 0..digits.len() {
            let m = digits[i];
            let l = at(&lower, i);
            let u = at(&upper, i);
            let okdown = l != m || inclusive && i + 1 == lower.len();
            let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.len());
            let n = i + 1;
            if okdown && okup {
                round_nearest(&mut digits, &mut point, n);
                break;
            } else if okdown {
                digits.truncate(n);
                break;
            } else if okup {
                round_up(&mut digits, &mut point, n);
                break;
            }
        }
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Some((digits, point))
    }

    /// Terraform's rendering of a number: `big.Float.Text('f', -1)`.
    pub fn to_terraform_string(&self) -> String {
        match &self.repr {
            Repr::Zero { neg } => {
                if *neg {
                    "-0".to_string()
                } else {
                    "0".to_string()
                }
            }
            Repr::Inf { neg } => {
                if *neg {
                    "-Inf".to_string()
                } else {
                    "+Inf".to_string()
                }
            }
            Repr::Finite { neg, .. } => {
                let (digits, point) = self.shortest_decimal().unwrap_or_default();
                let mut out = String::new();
                if *neg {
                    out.push('-');
                }
                if point > 0 {
                    let p = point as usize;
                    for i in 0..p {
                        out.push(*digits.get(i).unwrap_or(&b'0') as char);
                    }
                    if digits.len() > p {
                        out.push('.');
                        out.push_str(std::str::from_utf8(&digits[p..]).unwrap_or(""));
                    }
                } else {
                    out.push('0');
                    if !digits.is_empty() {
                        out.push('.');
                        for _ in 0..(-point) {
                            out.push('0');
                        }
                        out.push_str(std::str::from_utf8(&digits).unwrap_or(""));
                    }
                }
                out
            }
        }
    }
}

fn round_up(digits: &mut Vec<u8>, point: &mut i64, n: usize) {
    digits.truncate(n);
    let mut i = n;
    while i > 0 {
        if digits[i - 1] < b'9' {
            digits[i - 1] += 1;
            digits.truncate(i);
            return;
        }
        i -= 1;
    }
    digits.clear();
    digits.push(b'1');
    *point += 1;
}

fn round_nearest(digits: &mut Vec<u8>, point: &mut i64, n: usize) {
    if n >= digits.len() {
        return;
    }
    let up = if digits[n] == b'5' && n + 1 == digits.len() {
        n > 0 && (digits[n - 1] - b'0') % 2 == 1
    } else {
        digits[n] >= b'5'
    };
    if up {
        round_up(digits, point, n);
    } else {
        digits.truncate(n);
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp_num(other) == Ordering::Equal
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_terraform_string())
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn renders_like_terraform() {
        assert_eq!(p("0.1").add(&p("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(
            p("1").div(&p("3")).unwrap().to_string(),
            "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"
        );
        assert_eq!(p("1e30").to_string(), "1000000000000000000000000000000");
        assert_eq!(p("1.5e-7").to_string(), "0.00000015");
        assert_eq!(
            Number::from_f64(2f64.powi(100)).to_string(),
            "1267650600228229400000000000000"
        );
        assert_eq!(p("2").div(&p("0")).unwrap().to_string(), "+Inf");
        assert_eq!(p("-12.50").to_string(), "-12.5");
        assert_eq!(Number::from_f64(0.1).to_string(), "0.1");
        assert_eq!(
            p("123456789012345678901234567890").to_string(),
            "123456789012345678901234567890"
        );
    }

    #[test]
    fn floor_and_ceil() {
        assert_eq!(p("-1.5").floor().to_string(), "-2");
        assert_eq!(p("1.5").ceil().to_string(), "2");
        assert_eq!(p("-1.5").ceil().to_string(), "-1");
    }
}
