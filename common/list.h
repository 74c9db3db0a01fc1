/* SPDX-License-Identifier: MIT */
/*
 * Intrusive circular doubly linked lists. A struct embeds a struct
 * list_node; a list is a struct list_node head that points at itself when
 * empty. Removal is O(1) and needs no head. No locking: the caller's lock
 * guards both the list and the nodes' links. Pure header: the kernel, user
 * space and host tests use it alike.
 */
#ifndef CAIRN_COMMON_LIST_H
#define CAIRN_COMMON_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(name)  \
    {                    \
        &(name), &(name) \
    }

#define list_entry(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_safe(pos, tmp, head)                           \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
         (pos) = (tmp), (tmp) = (pos)->next)

static inline void
list_init(struct list_node *head)
{
    head->next = head;
    head->prev = head;
}

static inline bool
list_empty(const struct list_node *head)
{
    return head->next == head;
}

static inline void
list_insert_between(struct list_node *node, struct list_node *prev, struct list_node *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

/* Insert node before pos (at the tail when pos is the head). */
static inline void
list_insert_before(struct list_node *pos, struct list_node *node)
{
    list_insert_between(node, pos->prev, pos);
}

static inline void
list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head->prev, head);
}

static inline void
list_push_front(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head, head->next);
}

/* Unlink node; it becomes a list of its own, so a second remove is harmless. */
static inline void
list_remove(struct list_node *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    list_init(node);
}

static inline struct list_node *
list_pop_front(struct list_node *head)
{
    struct list_node *node = head->next;

    if (node == head)
        return NULL;
    list_remove(node);
    return node;
}

#endif
