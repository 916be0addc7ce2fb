"""The task models Hugging Face transformers builds (``AutoModelForSequenceClassification.from_pretrained(
name, num_labels=N)``): a Linear head of ``num_labels`` units (2 when neither the call nor the checkpoint's
config says otherwise) with no activation; calling the model returns a ModelOutput whose ``.logits`` are
raw and whose ``.loss``, when ``labels=`` is given, the model computes itself (``library_loss``).
num_labels is a keyword (``from_pretrained(name, *model_args, **kwargs)``), so no position is read.
"""

from __future__ import annotations

from .rows import KERAS, TORCH, LibraryHead

READ_FROM = (
    "transformers 5.25.0: transformers/models/, transformers/loss/loss_utils.py; "
    "transformers 4.57.6 (TensorFlow): transformers/modeling_tf_utils.py"
)


def _task(read_from: str, library_loss: str, framework=TORCH, layer: str = "linear") -> LibraryHead:
    """A task model's head of ``num_labels`` units (a keyword) returning a ModelOutput, with its own loss."""
    return LibraryHead(
        framework=framework,
        read_from=read_from,
        layer=layer,
        units_param="num_labels",
        units_pos=None,
        default_units=None,  # the checkpoint's own label count unless num_labels= is given
        output="hf",
        library_loss=library_loss,
    )


_FAMILIES = (
    # *ForSequenceClassification: nn.Linear(hidden_size, num_labels), raw logits; given labels= the model
    # computes its own loss: num_labels == 1 -> MSELoss (regression), otherwise cross-entropy (long labels)
    # or BCEWithLogitsLoss (float labels). from_config(config) takes num_labels from the config.
    (
        (
            "transformers.AutoModelForSequenceClassification", "transformers.AlbertForSequenceClassification",
            "transformers.ArceeForSequenceClassification", "transformers.AXK1ForSequenceClassification",
            "transformers.AXK2ForSequenceClassification", "transformers.BartForSequenceClassification",
            "transformers.BertForSequenceClassification", "transformers.BigBirdForSequenceClassification",
            "transformers.BigBirdPegasusForSequenceClassification", "transformers.BioGptForSequenceClassification",
            "transformers.BloomForSequenceClassification", "transformers.CamembertForSequenceClassification",
            "transformers.CanineForSequenceClassification", "transformers.CohereCompassTextForSequenceClassification",
            "transformers.ConvBertForSequenceClassification", "transformers.CTRLForSequenceClassification",
            "transformers.Data2VecTextForSequenceClassification", "transformers.DebertaForSequenceClassification",
            "transformers.DebertaV2ForSequenceClassification", "transformers.DeepseekV2ForSequenceClassification",
            "transformers.DeepseekV3ForSequenceClassification", "transformers.DiffLlamaForSequenceClassification",
            "transformers.DistilBertForSequenceClassification", "transformers.DogeForSequenceClassification",
            "transformers.ElectraForSequenceClassification", "transformers.ErnieForSequenceClassification",
            "transformers.EsmForSequenceClassification", "transformers.EsmcForSequenceClassification",
            "transformers.EuroBertForSequenceClassification", "transformers.Exaone4ForSequenceClassification",
            "transformers.FalconForSequenceClassification", "transformers.FlaubertForSequenceClassification",
            "transformers.FNetForSequenceClassification", "transformers.FunnelForSequenceClassification",
            "transformers.GemmaForSequenceClassification", "transformers.Gemma2ForSequenceClassification",
            "transformers.Gemma3TextForSequenceClassification", "transformers.Gemma3ForSequenceClassification",
            "transformers.GlmForSequenceClassification", "transformers.Glm4ForSequenceClassification",
            "transformers.GPT2ForSequenceClassification", "transformers.GPTBigCodeForSequenceClassification",
            "transformers.GPTNeoForSequenceClassification", "transformers.GPTNeoXForSequenceClassification",
            "transformers.GptOssForSequenceClassification", "transformers.GPTJForSequenceClassification",
            "transformers.GteForSequenceClassification", "transformers.HeliumForSequenceClassification",
            "transformers.HunYuanDenseV1ForSequenceClassification",
            "transformers.HunYuanMoEV1ForSequenceClassification", "transformers.IBertForSequenceClassification",
            "transformers.JambaForSequenceClassification", "transformers.JetMoeForSequenceClassification",
            "transformers.JinaEmbeddingsV3ForSequenceClassification",
            "transformers.LayoutLMForSequenceClassification", "transformers.LayoutLMv2ForSequenceClassification",
            "transformers.LayoutLMv3ForSequenceClassification", "transformers.LiltForSequenceClassification",
            "transformers.LlamaForSequenceClassification", "transformers.LongformerForSequenceClassification",
            "transformers.LukeForSequenceClassification", "transformers.MarkupLMForSequenceClassification",
            "transformers.MBartForSequenceClassification", "transformers.MegatronBertForSequenceClassification",
            "transformers.MiniCPM3ForSequenceClassification", "transformers.MiniMaxForSequenceClassification",
            "transformers.MinistralForSequenceClassification", "transformers.Ministral3ForSequenceClassification",
            "transformers.MistralForSequenceClassification", "transformers.Mistral4ForSequenceClassification",
            "transformers.MixtralForSequenceClassification", "transformers.MobileBertForSequenceClassification",
            "transformers.ModernBertForSequenceClassification",
            "transformers.ModernBertDecoderForSequenceClassification",
            "transformers.ModernVBertForSequenceClassification", "transformers.MPNetForSequenceClassification",
            "transformers.MptForSequenceClassification", "transformers.MraForSequenceClassification",
            "transformers.MT5ForSequenceClassification", "transformers.MvpForSequenceClassification",
            "transformers.NemotronForSequenceClassification", "transformers.NomicBertForSequenceClassification",
            "transformers.NystromformerForSequenceClassification", "transformers.OlmoForSequenceClassification",
            "transformers.Olmo2ForSequenceClassification", "transformers.Olmo3ForSequenceClassification",
            "transformers.OpenAIGPTForSequenceClassification", "transformers.OPTForSequenceClassification",
            "transformers.PerceiverForSequenceClassification", "transformers.PersimmonForSequenceClassification",
            "transformers.PhiForSequenceClassification", "transformers.Phi3ForSequenceClassification",
            "transformers.PhimoeForSequenceClassification", "transformers.PLBartForSequenceClassification",
            "transformers.Qwen2ForSequenceClassification", "transformers.Qwen2MoeForSequenceClassification",
            "transformers.Qwen3ForSequenceClassification", "transformers.Qwen3_5TextForSequenceClassification",
            "transformers.Qwen3_5ForSequenceClassification", "transformers.Qwen3MoeForSequenceClassification",
            "transformers.Qwen3NextForSequenceClassification", "transformers.ReformerForSequenceClassification",
            "transformers.RemBertForSequenceClassification", "transformers.RobertaForSequenceClassification",
            "transformers.RobertaPreLayerNormForSequenceClassification",
            "transformers.RoCBertForSequenceClassification", "transformers.RoFormerForSequenceClassification",
            "transformers.SeedOssForSequenceClassification", "transformers.SmolLM3ForSequenceClassification",
            "transformers.SqueezeBertForSequenceClassification", "transformers.StableLmForSequenceClassification",
            "transformers.Starcoder2ForSequenceClassification", "transformers.T5ForSequenceClassification",
            "transformers.T5GemmaForSequenceClassification", "transformers.T5Gemma2ForSequenceClassification",
            "transformers.TapasForSequenceClassification", "transformers.UltrabertForSequenceClassification",
            "transformers.UltraVBertForSequenceClassification", "transformers.UMT5ForSequenceClassification",
            "transformers.XLMForSequenceClassification", "transformers.XLMRobertaForSequenceClassification",
            "transformers.XLMRobertaXLForSequenceClassification", "transformers.XLNetForSequenceClassification",
            "transformers.XmodForSequenceClassification", "transformers.YosoForSequenceClassification",
            "transformers.ZambaForSequenceClassification", "transformers.Zamba2ForSequenceClassification",
            "transformers.AutoModelForSequenceClassification.from_config",
        ),
        _task(
            "transformers 5.25.0: transformers/models/bert/modeling_bert.py:1085, :1117-1138; transformers/loss/loss_utils.py:97-121",
            library_loss="hf_sequence",
        ),
    ),
    # Audio *ForSequenceClassification: always CrossEntropyLoss, problem_type ignored, no regression branch
    # for num_labels == 1: that is hf_token's rule (always cross-entropy), not hf_sequence's.
    (
        (
            "transformers.Wav2Vec2ForSequenceClassification", "transformers.Wav2Vec2BertForSequenceClassification",
            "transformers.Wav2Vec2ConformerForSequenceClassification", "transformers.HubertForSequenceClassification",
            "transformers.WavLMForSequenceClassification", "transformers.UniSpeechForSequenceClassification",
            "transformers.UniSpeechSatForSequenceClassification", "transformers.SEWForSequenceClassification",
            "transformers.SEWDForSequenceClassification", "transformers.Data2VecAudioForSequenceClassification",
        ),
        _task(
            "transformers 5.25.0: transformers/models/wav2vec2/modeling_wav2vec2.py:1730-1733", library_loss="hf_token"
        ),
    ),
    # *ForTokenClassification: logits (N, seq_len, num_labels); always cross-entropy (ignore_index -100).
    (
        (
            "transformers.AutoModelForTokenClassification", "transformers.AlbertForTokenClassification",
            "transformers.ApertusForTokenClassification", "transformers.ArceeForTokenClassification",
            "transformers.AXK1ForTokenClassification", "transformers.AXK2ForTokenClassification",
            "transformers.BeamForTokenClassification", "transformers.BertForTokenClassification",
            "transformers.BigBirdForTokenClassification", "transformers.BioGptForTokenClassification",
            "transformers.BloomForTokenClassification", "transformers.BrosForTokenClassification",
            "transformers.BrosSpadeEEForTokenClassification", "transformers.BrosSpadeELForTokenClassification",
            "transformers.CamembertForTokenClassification", "transformers.CanineForTokenClassification",
            "transformers.ConvBertForTokenClassification", "transformers.Data2VecTextForTokenClassification",
            "transformers.DebertaForTokenClassification", "transformers.DebertaV2ForTokenClassification",
            "transformers.DeepseekV3ForTokenClassification", "transformers.DiffLlamaForTokenClassification",
            "transformers.DistilBertForTokenClassification", "transformers.ElectraForTokenClassification",
            "transformers.ErnieForTokenClassification", "transformers.EsmForTokenClassification",
            "transformers.EsmcForTokenClassification", "transformers.EuroBertForTokenClassification",
            "transformers.Exaone4ForTokenClassification", "transformers.FalconForTokenClassification",
            "transformers.FlaubertForTokenClassification", "transformers.FNetForTokenClassification",
            "transformers.FunnelForTokenClassification", "transformers.GemmaForTokenClassification",
            "transformers.Gemma2ForTokenClassification", "transformers.GlmForTokenClassification",
            "transformers.Glm4ForTokenClassification", "transformers.GPT2ForTokenClassification",
            "transformers.GPTBigCodeForTokenClassification", "transformers.GPTNeoForTokenClassification",
            "transformers.GPTNeoXForTokenClassification", "transformers.GptOssForTokenClassification",
            "transformers.GteForTokenClassification", "transformers.HeliumForTokenClassification",
            "transformers.IBertForTokenClassification", "transformers.JinaEmbeddingsV3ForTokenClassification",
            "transformers.LayoutLMForTokenClassification", "transformers.LayoutLMv2ForTokenClassification",
            "transformers.LayoutLMv3ForTokenClassification", "transformers.LiltForTokenClassification",
            "transformers.LlamaForTokenClassification", "transformers.LongformerForTokenClassification",
            "transformers.LukeForTokenClassification", "transformers.MarkupLMForTokenClassification",
            "transformers.MegatronBertForTokenClassification", "transformers.MiniMaxForTokenClassification",
            "transformers.MinistralForTokenClassification", "transformers.Ministral3ForTokenClassification",
            "transformers.MistralForTokenClassification", "transformers.Mistral4ForTokenClassification",
            "transformers.MixtralForTokenClassification", "transformers.MobileBertForTokenClassification",
            "transformers.ModernBertForTokenClassification", "transformers.ModernVBertForTokenClassification",
            "transformers.MPNetForTokenClassification", "transformers.MptForTokenClassification",
            "transformers.MraForTokenClassification", "transformers.MT5ForTokenClassification",
            "transformers.NemotronForTokenClassification", "transformers.NomicBertForTokenClassification",
            "transformers.NystromformerForTokenClassification",
            "transformers.OpenAIPrivacyFilterForTokenClassification", "transformers.PersimmonForTokenClassification",
            "transformers.PhiForTokenClassification", "transformers.Phi3ForTokenClassification",
            "transformers.Qwen2ForTokenClassification", "transformers.Qwen2MoeForTokenClassification",
            "transformers.Qwen3ForTokenClassification", "transformers.Qwen3_5ForTokenClassification",
            "transformers.Qwen3ASRForTokenClassification", "transformers.Qwen3MoeForTokenClassification",
            "transformers.Qwen3NextForTokenClassification", "transformers.RemBertForTokenClassification",
            "transformers.RobertaForTokenClassification", "transformers.RobertaPreLayerNormForTokenClassification",
            "transformers.RoCBertForTokenClassification", "transformers.RoFormerForTokenClassification",
            "transformers.SeedOssForTokenClassification", "transformers.SmolLM3ForTokenClassification",
            "transformers.SqueezeBertForTokenClassification", "transformers.StableLmForTokenClassification",
            "transformers.Starcoder2ForTokenClassification", "transformers.T5ForTokenClassification",
            "transformers.T5GemmaForTokenClassification", "transformers.T5Gemma2ForTokenClassification",
            "transformers.UltrabertForTokenClassification", "transformers.UltraVBertForTokenClassification",
            "transformers.UMT5ForTokenClassification", "transformers.ViltForTokenClassification",
            "transformers.XLMForTokenClassification", "transformers.XLMRobertaForTokenClassification",
            "transformers.XLMRobertaXLForTokenClassification", "transformers.XLNetForTokenClassification",
            "transformers.XmodForTokenClassification", "transformers.YosoForTokenClassification",
        ),
        _task(
            "transformers 5.25.0: transformers/models/bert/modeling_bert.py:1286-1288; transformers/loss/loss_utils.py:143-149",
            library_loss="hf_token",
        ),
    ),
    # *ForImageClassification: LOSS_MAPPING["ForImageClassification"] is ForSequenceClassificationLoss, the
    # same num_labels == 1 -> MSE rule (loss_utils.py:182).
    (
        (
            "transformers.AutoModelForImageClassification", "transformers.BeitForImageClassification",
            "transformers.BitForImageClassification", "transformers.CLIPForImageClassification",
            "transformers.ConvNextForImageClassification", "transformers.ConvNextV2ForImageClassification",
            "transformers.CvtForImageClassification", "transformers.Data2VecVisionForImageClassification",
            "transformers.DeiTForImageClassification", "transformers.DinatForImageClassification",
            "transformers.Dinov2ForImageClassification", "transformers.Dinov2WithRegistersForImageClassification",
            "transformers.DonutSwinForImageClassification", "transformers.EfficientNetForImageClassification",
            "transformers.FocalNetForImageClassification", "transformers.HGNetV2ForImageClassification",
            "transformers.HieraForImageClassification", "transformers.IJepaForImageClassification",
            "transformers.ImageGPTForImageClassification", "transformers.LevitForImageClassification",
            "transformers.MetaClip2ForImageClassification", "transformers.MobileNetV1ForImageClassification",
            "transformers.MobileNetV2ForImageClassification", "transformers.MobileViTForImageClassification",
            "transformers.MobileViTV2ForImageClassification", "transformers.PoolFormerForImageClassification",
            "transformers.PPLCNetForImageClassification", "transformers.PvtForImageClassification",
            "transformers.PvtV2ForImageClassification", "transformers.RegNetForImageClassification",
            "transformers.ResNetForImageClassification", "transformers.SegformerForImageClassification",
            "transformers.ShieldGemma2ForImageClassification", "transformers.SiglipForImageClassification",
            "transformers.Siglip2ForImageClassification", "transformers.SwiftFormerForImageClassification",
            "transformers.SwinForImageClassification", "transformers.Swinv2ForImageClassification",
            "transformers.TextNetForImageClassification", "transformers.TimmWrapperForImageClassification",
            "transformers.ViTForImageClassification", "transformers.ViTMSNForImageClassification",
        ),
        _task(
            "transformers 5.25.0: transformers/models/vit/modeling_vit.py:514; transformers/loss/loss_utils.py:182",
            library_loss="hf_sequence",
        ),
    ),
    # TensorFlow TF*ForSequenceClassification (transformers 4.x only: v5 removed TensorFlow): Dense(num_labels),
    # raw logits; hf_compute_loss takes MSE for one logit, else SparseCategoricalCrossentropy(from_logits=True).
    (
        (
            "transformers.TFAutoModelForSequenceClassification", "transformers.TFBertForSequenceClassification",
            "transformers.TFRobertaForSequenceClassification", "transformers.TFDistilBertForSequenceClassification",
            "transformers.TFAlbertForSequenceClassification", "transformers.TFXLMRobertaForSequenceClassification",
            "transformers.TFElectraForSequenceClassification", "transformers.TFDebertaV2ForSequenceClassification",
        ),
        _task(
            "transformers 4.57.6: transformers/modeling_tf_utils.py:297-313",
            library_loss="hf_sequence", framework=KERAS, layer="dense",
        ),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}
# ``X.from_pretrained(name, num_labels=N)``: the same row (num_labels is a keyword either way).
HEADS.update({f"{name}.from_pretrained": row for name, row in list(HEADS.items()) if not name.endswith(".from_config")})

# The attributes that hold a task model's head: ``classifier`` (BERT, RoBERTa, DistilBERT,
# ViT, ...), ``score`` (GPT-2, Llama sequence classification), ``lm_head`` (causal LMs).
HEAD_ATTRIBUTES = frozenset({"classifier", "score", "lm_head"})
