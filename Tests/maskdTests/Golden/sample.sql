--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE TABLE public.accounts (
    id integer NOT NULL,
    email character varying(24) NOT NULL,
    "Backup Email" text,
    ssn character(11),
    card text,
    opened timestamp with time zone,
    settings jsonb,
    note text
);

COPY public.accounts (id, email, "Backup Email", ssn, card, opened, settings, note) FROM stdin;
1	li.wei@example.com	li.wei+backup@mail.example.net	536-90-4399	4111 1111 1111 1111	2024-01-15 10:30:00+00	{"alerts": {"to": "li.wei@example.com"}, "token": "ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv"}	tab\there\\nnot a newline\\\\ and a newline\nthen password = Xk9#mP2$vL7qR4!z
2	a.very.long.address@example-corp.com	\N	\N	\N	\N	{}	\\.
3	x@y.io		\N	5500-0000-0000-0004	\N	{"k": "a\\"b"}	octal \\101\\102 hex \\x43 and 4111111111111112 (not a card)
\.

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

--
-- PostgreSQL database dump complete
--
