// SPDX-License-Identifier: MIT
/*
 * qsort and bsearch (<stdlib.h>, C11 7.22.5).
 *
 * qsort is an introsort: quicksort with the median of three as pivot,
 * insertion sort for runs of 12 or fewer, and heapsort for a part once the
 * recursion has gone 2 log2(n) deep, so no input (sorted, reversed, all
 * equal, built against the pivot rule) takes more than O(n log n)
 * comparisons. The recursion follows the smaller part and loops on the
 * larger, so the stack stays O(log n) deep. It is not stable, which the
 * standard does not ask for. Elements are swapped a word at a time when
 * size and base allow it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*compare_fn)(const void *, const void *);

static void
swap_bytes(char *a, char *b, size_t size)
{
    if (a == b)
        return;
    if (((uintptr_t)a | (uintptr_t)b | size) % sizeof(long) == 0) {
        for (size_t i = 0; i < size; i += sizeof(long)) {
            long t = *(long *)(a + i);

            *(long *)(a + i) = *(long *)(b + i);
            *(long *)(b + i) = t;
        }
        return;
    }
    for (size_t i = 0; i < size; i++) {
        char t = a[i];

        a[i] = b[i];
        b[i] = t;
    }
}

static void
insertion_sort(char *base, size_t n, size_t size, compare_fn cmp)
{
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
            swap_bytes(base + (j - 1) * size, base + j * size, size);
    }
}

/* Restore the max-heap below element root of the n-element heap. */
static void
sift_down(char *base, size_t root, size_t n, size_t size, compare_fn cmp)
{
    for (;;) {
        size_t child = 2 * root + 1;

        if (child >= n)
            return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + root * size, base + child * size) >= 0)
            return;
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

static void
heap_sort(char *base, size_t n, size_t size, compare_fn cmp)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, i, n, size, cmp);
    for (size_t end = n; end-- > 1;) {
        swap_bytes(base, base + end * size, size);
        sift_down(base, 0, end, size, cmp);
    }
}

/*
 * Partition [base, base + n * size) around the median of its first,
 * middle and last elements; returns the pivot's final index. Afterwards
 * everything before it compares <= the pivot, everything after >=.
 */
static size_t
partition(char *base, size_t n, size_t size, compare_fn cmp)
{
    char *first = base, *mid = base + n / 2 * size, *last = base + (n - 1) * size;
    char *pivot = base + (n - 2) * size;
    size_t i = 1, j = n - 3;

    /* Sort the three samples: the median is then the pivot, and the first
     * and last elements stop the scans below from running off either end. */
    if (cmp(mid, first) < 0)
        swap_bytes(mid, first, size);
    if (cmp(last, mid) < 0) {
        swap_bytes(last, mid, size);
        if (cmp(mid, first) < 0)
            swap_bytes(mid, first, size);
    }
    swap_bytes(mid, pivot, size); /* out of the way, next to the last */
    for (;;) {
        while (cmp(base + i * size, pivot) < 0) /* stops at the pivot itself */
            i++;
        while (cmp(pivot, base + j * size) < 0) /* stops at the first element */
            j--;
        if (i >= j)
            break;
        swap_bytes(base + i * size, base + j * size, size);
        i++;
        j--; /* i < j, so j >= 1 here */
    }
    swap_bytes(base + i * size, pivot, size);
    return i;
}

void
qsort(void *array, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *base = array;
    unsigned depth = 0;

    if (size == 0)
        return;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    while (n > 12) {
        size_t p, left, right;

        if (depth-- == 0) {
            heap_sort(base, n, size, cmp);
            return;
        }
        p = partition(base, n, size, cmp);
        left = p;
        right = n - p - 1;
        if (left < right) {
            qsort(base, left, size, cmp);
            base += (p + 1) * size;
            n = right;
        } else {
            qsort(base + (p + 1) * size, right, size, cmp);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

void *
bsearch(const void *key, const void *array, size_t n, size_t size,
        int (*cmp)(const void *, const void *))
{
    const char *base = array;

    while (n > 0) {
        const char *mid = base + n / 2 * size;
        int c = cmp(key, mid);

        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            base = mid + size;
            n -= n / 2 + 1;
        } else {
            n /= 2;
        }
    }
    return NULL;
}
