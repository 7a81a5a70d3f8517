from flowscope.model import ids


def test_ids_are_stable_and_kind_prefixed() -> None:
    assert (
        ids.system_id("Support Chatbot")
        == ids.system_id("support chatbot")
        == "system:support-chatbot"
    )
    assert ids.dataset_id("system:warehouse", "marts.export") == "dataset:warehouse/marts.export"
    assert ids.dataset_id("system:wh", '"Quoted"') != ids.dataset_id("system:wh", '"quoted"')
    assert ids.field_id("dataset:wh/marts.export", "email") == "field:wh/marts.export.email"
    assert ids.endpoint_id("system:openai", "post", "/v1/chat") == "endpoint:openai/POST /v1/chat"
    assert ids.kind_of(ids.endpoint_id("system:a", "get", "/")) == "endpoint"


def test_slug_strips_accents_and_hostile_characters() -> None:
    assert ids.slug("Café Crème") == "cafe-creme"
    assert ids.slug("<img src=x onerror=alert(1)>") == "img-src-x-onerror-alert-1"
    assert ids.slug("///") == "unnamed"


def test_flow_keys_tell_apart_named_flows_between_one_pair() -> None:
    plain = ids.flow_key("system:crm", "system:mailer")
    named = ids.flow_key("system:crm", "system:mailer", "Nightly export")
    assert plain == "flow:crm->mailer"
    assert named == "flow:crm->mailer#nightly-export"
    assert plain != named
