// SPDX-License-Identifier: MIT
/*
 * Integer arithmetic of <stdlib.h>. C's / and % truncate toward zero,
 * which is what div's quot and rem must do, so they are the operators.
 * abs of the most negative value is undefined in C; here it returns that
 * value unchanged, as two's complement negation does.
 */
#include <stdlib.h>

int
abs(int x)
{
    return x < 0 ? (int)(0u - (unsigned)x) : x;
}

long
labs(long x)
{
    return x < 0 ? (long)(0ul - (unsigned long)x) : x;
}

long long
llabs(long long x)
{
    return x < 0 ? (long long)(0ull - (unsigned long long)x) : x;
}

div_t
div(int num, int den)
{
    return (div_t){num / den, num % den};
}

ldiv_t
ldiv(long num, long den)
{
    return (ldiv_t){num / den, num % den};
}

lldiv_t
lldiv(long long num, long long den)
{
    return (lldiv_t){num / den, num % den};
}
