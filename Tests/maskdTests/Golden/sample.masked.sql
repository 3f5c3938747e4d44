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
1	lv.2E6@H1WEce3.2Uv	4e4illyeq5vstny7@example.invalid	761-35-2091	3486 8841 6289 0268	2024-01-15 10:30:00+00	{"alerts": {"to": "we367t5gz5lb77o7@example.invalid"}, "token": "2iC_jjqkIb0mJ7cLq0UA2dC9QzveEtGp58wheFer"}	tab\there\\nnot a newline\\\\ and a newline\nthen password = mXS#f1p$VJztDu!v
2	q.Regv.TbXS.nniAImk@6OGJnjD-KJTr.Qf6	\N	\N	\N	\N	{}	\\.
3	u@Q.GK		\N	6937-7177-8308-2329	\N	{"k": "a\\"b"}	octal \\101\\102 hex \\x43 and 4111111111111112 (not a card)
\.

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

--
-- PostgreSQL database dump complete
--
