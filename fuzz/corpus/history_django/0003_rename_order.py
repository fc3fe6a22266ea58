from django.db import migrations


def fill_totals(apps, schema_editor):
    Purchase = apps.get_model('shop', 'Purchase')
    for purchase in Purchase.objects.all():
        purchase.save()


class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0002_product_sku'),
    ]

    operations = [
        migrations.RenameModel(old_name='Order', new_name='Purchase'),
        migrations.RemoveField(model_name='product', name='price'),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
        migrations.DeleteModel(name='Coupon'),
    ]
