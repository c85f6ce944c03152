"""Facts for the demo site, taken from the public pages the tracker was designed from
(shared/seeds). Titles, names, dates and links are facts; every sentence here is our own."""

from datetime import date, datetime, timedelta

DEMO_PASSWORD_HINT = "the username followed by -demo"  # noqa: S105 (a hint, not a secret)

USERS = [
    {"username": "organizer", "display_name": "Olivia Organizer", "time_zone": "Australia/Sydney"},
    {"username": "member", "display_name": "Max Member", "time_zone": "Europe/London"},
]

SEMINAR = {
    "slug": "mathematical-challenges-in-ai-2023",
    "title": "Mathematical challenges in AI (M+ML 2023)",
    "kind": "seminar",
    "visibility": "public",
    "time_zone": "Australia/Sydney",
    "default_location": "Carslaw 273",
    "online_url": "https://uni-sydney.zoom.us/j/85792361111",
    "online_passcode": "141592",
    "description": (
        "A roughly fortnightly seminar of the Sydney Mathematical Research Institute on the "
        "mathematics that modern machine learning raises: open problems whose answers would help "
        "build or understand models, results that come out of **interpretability**, and "
        "mathematical tasks that still challenge AI systems. It follows on from the MLWM series."
    ),
}

# (speaker, affiliation, local date, start hour, end hour, room, title, abstract)
SEMINAR_TALKS = [
    (
        "Greg Yang", "xAI", date(2023, 9, 13), 10, 11,
        "Pharmacy and Bank Building Seminar Room N351 (A15.03.N351)",
        "The unreasonable effectiveness of mathematics in large scale deep learning",
        "How the theory of infinitely wide networks turned into *muTransfer*, a way to tune "
        "hyperparameters on a small model and carry them over to a huge one, and the wider "
        "*Optimal Scaling Thesis* behind it. Ends with open mathematical questions.",
    ),
    (
        "Sadhika Malladi", "Princeton University", date(2023, 9, 28), 8, 9, "",
        "Mathematical Views on Modern Deep Learning Optimization",
        "Stochastic differential equations as a model of training dynamics, what they say about "
        "scaling training across many machines, and a simple model of fine-tuning large "
        "language models that leads to an efficient optimizer.",
    ),
    (
        "Neel Nanda", "Google DeepMind", date(2023, 10, 12), 20, 21,
        "Quad Seminar Room S204 (Oriental) (A14.02.S204)",
        "Mechanistic Interpretability & Mathematics",
        "Reverse-engineering small networks trained on arithmetic such as modular addition, then "
        "**superposition**: models packing more features than dimensions into their activations, "
        "and the open problems it poses.",
    ),
    (
        "Paul Christiano", "Alignment Research Center", date(2023, 10, 26), 9, 10, "Carslaw 273",
        "Formalizing Explanations of Neural Network Behaviors",
        "Between informal stories of how a model works and full proofs lies a third option: "
        "formal *explanations* of a specific behaviour. The talk motivates that direction and "
        "its theoretical questions.",
    ),
    (
        "Francois Charton", "Meta AI", date(2023, 11, 23), 19, 20, "Carslaw 273",
        "Transformers for maths, and maths for transformers",
        "Transformers trained on integer sequences and on scattering amplitudes; and problems "
        "from linear algebra and arithmetic used the other way round, to explain what trained "
        "transformers predict and how training distributions shape them.",
    ),
]  # fmt: skip

ALIGNMENT_COURSE = {
    "slug": "ai-safety-alignment",
    "title": "AI Safety Fundamentals: Alignment",
    "kind": "course",
    "visibility": "members",
    "time_zone": "Europe/London",
    "default_location": "Online",
    "online_url": "https://meet.example.org/alignment-cohort",
    "online_passcode": "cohort-7",
    "description": "A cohort course on technical AI safety: one discussion a week, readings first.",
}
ALIGNMENT_FIRST = datetime(2024, 2, 6, 18, 0)
ALIGNMENT_SESSIONS = [
    ("AI and the Years Ahead", "Several missing pieces started to fit together."),
    ("What is AI Safety?", "More gaps filled in; I came back to this one twice."),
    ("Reinforcement learning from human (or AI) feedback", "A good one, short and clear."),
    ("Scalable Oversight", "For once I felt I could hold my own in the discussion."),
    ("Mechanistic Interpretability", "Dictionary learning is remarkable; see [[Superposition]]."),
    ("Technical governance approaches", "The one-on-one conversations were the best part."),
    ("Contributing to AI Alignment", "Much clearer about a career direction now."),
    ("Project work I", "Kept working on my alignment project (sessions 8 to 11)."),
    ("Project work II", ""),
    ("Project work III", ""),
    ("Project work IV", ""),
]  # fmt: skip

GOVERNANCE_COURSE = {
    "slug": "ai-safety-governance",
    "title": "AI Safety Fundamentals: Governance",
    "kind": "course",
    "visibility": "members",
    "time_zone": "Europe/London",
    "default_location": "Online",
    "online_url": "https://meet.example.org/governance-cohort",
    "online_passcode": "gov-3",
    "description": "A cohort course on AI governance and policy.",
}
GOVERNANCE_FIRST = datetime(2024, 9, 10, 18, 0)
GOVERNANCE_SESSIONS = [
    ("Introduction to Artificial Intelligence", "The robot demos were wild, and we wrote a song."),
    ("The Promise of AI", "Slower going, still worth it."),
    ("The Perils of AI", "Enjoyed it less, learnt from it anyway."),
    ("Obstacles to Controlling AI", "Finally a great debate."),
    ("AI Policy Levers", "I should have prepared more for this one."),
]  # fmt: skip

READING_GROUP = {
    "slug": "interpretability-reading-group",
    "title": "Interpretability reading group",
    "kind": "reading_group",
    "visibility": "public",
    "time_zone": "Europe/London",
    "default_location": "Maths department, room 2",
    "online_url": "https://meet.example.org/interp-rg",
    "online_passcode": "neurons",
    "description": "We read and run interpretability work together, notebooks included.",
}
TALK_SESSION = {
    "title": "Why machine learning should interest mathematicians",
    "starts_at": datetime(2021, 3, 4, 17, 0),
    "abstract": (
        "A talk for mathematicians: what neural networks are, how feature visualization shows "
        "what a vision model responds to, and where the open questions are."
    ),
    "recording_url": "https://video.example.org/ml-for-mathematicians",
}
# (label, title, offset seconds or None, covered?)
TALK_CHAPTERS = [
    ("1a", "What a neural network is", 0, True),
    ("1b", "Training by gradient descent", 540, True),
    ("1e", "What is really going on with adversarial examples", None, False),
    ("2a", "Feature visualization", 1510, True),
    ("2b", "Neuron interaction and the building blocks", 2230, True),
    ("2c", "How the network sees the data set", None, False),
    ("3", "An overview of reinforcement learning", None, False),
]  # fmt: skip
# (session number in the reading group, title, file under demos/notebooks)
DEMO_NOTEBOOKS = [
    (1, "Feature visualization on handwritten digits", "feature_visualization.ipynb"),
    (2, "Activation steering of a tiny language model", "activation_steering.ipynb"),
]
STEERING_SESSION = {
    "title": "Activation steering",
    "starts_at": datetime(2024, 5, 16, 17, 0),
    "abstract": "Adding a vector to a language model's activations to change what it writes.",
}

# slug, kind, title, authors [(given, family)], year, source, url, ids, tags, summary
READINGS = [
    ("feature-visualization", "blog_post", "Feature Visualization",
     [("Chris", "Olah"), ("Alexander", "Mordvintsev"), ("Ludwig", "Schubert")], 2017, "Distill",
     "https://distill.pub/2017/feature-visualization/", {"doi": "10.23915/distill.00007"},
     ["interpretability", "vision"], "How to optimize an input so it excites a chosen neuron."),
    ("building-blocks-of-interpretability", "blog_post", "The Building Blocks of Interpretability",
     [("Chris", "Olah"), ("Arvind", "Satyanarayan"), ("Ian", "Johnson")], 2018, "Distill",
     "https://distill.pub/2018/building-blocks/", {"doi": "10.23915/distill.00010"},
     ["interpretability", "vision"], "Combining attribution and feature visualization."),
    ("activation-atlas", "blog_post", "Exploring Neural Networks with Activation Atlases",
     [("Shan", "Carter"), ("Zan", "Armstrong"), ("Ludwig", "Schubert")], 2019, "Distill",
     "https://distill.pub/2019/activation-atlas/", {"doi": "10.23915/distill.00015"},
     ["interpretability", "vision"], "A map of what a network has learnt, across many inputs."),
    ("zoom-in-circuits", "blog_post", "Zoom In: An Introduction to Circuits",
     [("Chris", "Olah"), ("Nick", "Cammarata"), ("Ludwig", "Schubert")], 2020, "Distill",
     "https://distill.pub/2020/circuits/zoom-in/", {"doi": "10.23915/distill.00024.001"},
     ["interpretability", "circuits"], "Features, circuits and universality as working claims."),
    ("gpt-3-few-shot-learners", "paper", "Language Models are Few-Shot Learners",
     [("Tom", "Brown"), ("Benjamin", "Mann"), ("Nick", "Ryder")], 2020, "NeurIPS",
     "https://arxiv.org/abs/2005.14165", {"arxiv_id": "2005.14165"}, ["language models"],
     "Scaling a language model until it learns tasks from a few examples in the prompt."),
    ("adversarial-examples-features", "paper",
     "Adversarial Examples Are Not Bugs, They Are Features",
     [("Andrew", "Ilyas"), ("Shibani", "Santurkar"), ("Dimitris", "Tsipras")], 2019, "NeurIPS",
     "https://arxiv.org/abs/1905.02175", {"arxiv_id": "1905.02175"}, ["robustness"],
     "Adversarial vulnerability traced to predictive but brittle features in the data."),
    ("rl-from-human-preferences", "paper", "Deep Reinforcement Learning from Human Preferences",
     [("Paul", "Christiano"), ("Jan", "Leike"), ("Tom", "Brown")], 2017, "NeurIPS",
     "https://arxiv.org/abs/1706.03741", {"arxiv_id": "1706.03741"}, ["rlhf", "alignment"],
     "Learning a reward model from people's comparisons of short clips."),
    ("principles-of-deep-learning-theory", "book", "The Principles of Deep Learning Theory",
     [("Daniel A.", "Roberts"), ("Sho", "Yaida"), ("Boris", "Hanin")], 2021,
     "Cambridge University Press", "https://arxiv.org/abs/2106.10165",
     {"arxiv_id": "2106.10165"}, ["theory"], "An effective-theory approach to deep networks."),
    ("mathematical-framework-transformer-circuits", "paper",
     "A Mathematical Framework for Transformer Circuits",
     [("Nelson", "Elhage"), ("Neel", "Nanda"), ("Catherine", "Olsson")], 2021,
     "Transformer Circuits Thread", "https://transformer-circuits.pub/2021/framework/index.html",
     {}, ["theory", "circuits"], "Attention-only transformers read as sums of paths."),
    ("spline-theory-of-deep-networks", "paper", "A Spline Theory of Deep Networks",
     [("Randall", "Balestriero"), ("Richard", "Baraniuk")], 2018, "ICML", "", {}, ["theory"],
     "Deep networks with piecewise-linear activations as max-affine spline operators."),
    ("sutton-barto-reinforcement-learning", "book", "Reinforcement Learning: An Introduction",
     [("Richard S.", "Sutton"), ("Andrew G.", "Barto")], 2018, "MIT Press",
     "http://incompleteideas.net/book/the-book-2nd.html", {"isbn": "9780262039246"},
     ["reinforcement learning"], "The standard mathematical introduction to the field."),
    ("steering-gpt2-xl-activation-vector", "blog_post",
     "Steering GPT-2-XL by adding an activation vector",
     [("Alex", "Turner"), ("Lisa", "Thiergart"), ("David", "Udell")], 2023, "LessWrong",
     "https://www.lesswrong.com/posts/5spBue2z2tw4JuDCx/steering-gpt-2-xl-by-adding-an-activation-vector",
     {}, ["steering", "interpretability"], "Activation addition on a real language model."),
    ("intro-to-large-language-models", "video", "Intro to Large Language Models",
     [("Andrej", "Karpathy")], 2023, "YouTube", "https://www.youtube.com/watch?v=zjkBMFhNj_g", {},
     ["language models"], "Parameters plus a small program; pre-training, then fine-tuning."),
    ("which-ml-skills-for-ais-research", "blog_post",
     "Which ML skills are useful for finding a new AIS research agenda?",
     [("Yonatan", "Cale")], 2023, "LessWrong",
     "https://www.lesswrong.com/posts/which-ml-skills-are-useful-for-finding-a-new-ais-research",
     {}, ["learning", "theory"], "A question about which theories of ML to learn, with a list."),
]  # fmt: skip

PODCAST = {
    "slug": "rational-animations-intro-to-mech-interp",
    "kind": "podcast_episode",
    "title": "LW - Rational Animations' intro to mechanistic interpretability by Writer",
    "authors": [("", "Writer")],
    "year": 2024,
    "published_on": date(2024, 6, 15),
    "source": "The Nonlinear Library (The Nonlinear Fund)",
    "duration": timedelta(minutes=16, seconds=6),
    "url": "https://player.fm/series/the-nonlinear-library/lw-rational-animations-intro-to-mechanistic-interpretability-by-writer",
    "tags": ["interpretability", "audio"],
    "summary": "An audio reading of a script on interpreting InceptionV1 with feature "
    "visualization and circuits; a gentle way into the field.",
}

# (reading slug, phrase, comment)
HIGHLIGHTS = [
    ("feature-visualization", "by jointly optimizing two", "Visualising how neurons interact."),
    ("building-blocks-of-interpretability", "Making sense of these", ""),
    ("building-blocks-of-interpretability", "Semantic dictionaries give us a", ""),
    ("building-blocks-of-interpretability", "network detected features at that position", ""),
    ("building-blocks-of-interpretability", "concisely summarizing the story of the neural network",
     "Which parts of the image matter?"),
    ("building-blocks-of-interpretability", "something we can optimize the factorization for", ""),
    ("building-blocks-of-interpretability", "how well does this work", ""),
    ("activation-atlas", "which we ignored in this discussion", "What data matters for a class?"),
    ("activation-atlas", "Further Isolating Classes", "The baseball and shark example."),
]  # fmt: skip

# name, level, aliases, definition, later revision of the definition (or "")
GLOSSARY = [
    ("Mechanistic Interpretability", 1, ["mech interp"],
     "Reverse-engineering a trained network into the algorithms it implements.",
     "Techniques for reverse-engineering a trained network into human-readable algorithms; the "
     "hard part is the sheer number of dimensions the computation is spread across."),
    ("Features, circuits and universality", 1, ["circuits"],
     "The working claims that networks are built from meaningful features, connected by "
     "weights into circuits, and that similar ones recur across models.", ""),
    ("Dictionary Learning", 2, ["sparse dictionary learning"],
     "Learning an over-complete basis in which each activation is a sparse combination of "
     "directions, to pull apart features stored in superposition.", ""),
    ("Superposition", 2, [],
     "A model representing more features than it has dimensions, by giving them nearly "
     "orthogonal directions.", ""),
    ("Monosemanticity", 2, ["monosemantic"],
     "A neuron or direction that responds to one thing only, which makes it easy to read.", ""),
    ("Reinforcement learning from human feedback", 2, ["RLHF"],
     "Training a reward model on human comparisons, then optimizing a policy against it.", ""),
    ("Activation steering", 2, ["activation addition"],
     "Changing a model's behaviour by adding a vector to its activations while it runs.", ""),
    ("Sparse coding", 3, [],
     "Encoding each input with few active elements out of a large, high-dimensional code.", ""),
    ("Auto-encoder", 3, ["autoencoder"],
     "A network that compresses its input to a small code and reconstructs it from that code.",
     "An encoder maps the input to a low-dimensional code and a decoder rebuilds the input "
     "from it; denoising is a classic use."),
    ("Variational auto-encoder", 3, ["VAE"],
     "An auto-encoder whose codes are pushed towards a known distribution, so one can sample "
     "new data from it.", ""),
    ("Generative adversarial network", 3, ["GAN"],
     "A generator and a discriminator trained against each other.", ""),
    ("Pareto frontier", 3, [],
     "The set of solutions where no objective can improve without another getting worse.", ""),
]  # fmt: skip
RELATED_TERMS = [
    ("Dictionary Learning", "Superposition"),
    ("Dictionary Learning", "Sparse coding"),
    ("Superposition", "Monosemanticity"),
    ("Auto-encoder", "Variational auto-encoder"),
    ("Mechanistic Interpretability", "Features, circuits and universality"),
]

# What the member attended (course slug: session numbers) and their reading statuses.
ATTENDED = {
    "ai-safety-alignment": [1, 2, 3, 4, 5, 6, 7],
    "ai-safety-governance": [1, 2, 4, 5],
    "interpretability-reading-group": [1],
}
READING_STATUSES = [
    ("feature-visualization", "read"),
    ("building-blocks-of-interpretability", "reading"),
    ("steering-gpt2-xl-activation-vector", "reading"),
    ("gpt-3-few-shot-learners", "to_read"),
    ("rational-animations-intro-to-mech-interp", "read"),
]
